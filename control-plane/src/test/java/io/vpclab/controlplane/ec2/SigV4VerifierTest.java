package io.vpclab.controlplane.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The vectors of AWS's Signature Version 4 test suite (get-vanilla, get-vanilla-query-order-key,
 * post-x-www-form-urlencoded) and of the AWS documentation's IAM example, then tampered requests.
 */
class SigV4VerifierTest {

    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String KEY_ID = "AKIDEXAMPLE";
    private static final Instant SIGNED_AT = Instant.parse("2015-08-30T12:36:00Z");
    private static final Function<String, Optional<String>> SECRETS =
            id -> KEY_ID.equals(id) ? Optional.of(SECRET) : Optional.empty();

    @Test
    void theDocumentationsSigningKeyAndIamSignature() {
        SigV4Verifier iam = new SigV4Verifier("iam");
        // The AWS documentation's derived signing key (also what Python's hmac gives for this chain).
        assertThat(HexFormat.of().formatHex(iam.signingKey(SECRET, "20150830", "us-east-1")))
                .isEqualTo("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
        SigV4Verifier.SignedRequest request = request(
                "GET",
                "/",
                "Action=ListUsers&Version=2010-05-08",
                "",
                "iam",
                "content-type;host;x-amz-date",
                "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
                "host",
                "iam.amazonaws.com",
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8");
        assertThat(iam.verify(request, SIGNED_AT, SECRETS).accepted()).isTrue();
    }

    @Test
    void getVanilla() {
        assertThat(service()
                        .verify(
                                vanilla("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
                                SIGNED_AT,
                                SECRETS))
                .isEqualTo(new SigV4Verifier.Verdict(KEY_ID, null));
    }

    @Test
    void getVanillaQueryOrderKeySortsTheParameters() {
        SigV4Verifier.SignedRequest request = request(
                "GET",
                "/",
                "Param2=value2&Param1=value1",
                "",
                "service",
                "host;x-amz-date",
                "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
                "host",
                "example.amazonaws.com");
        assertThat(service().verify(request, SIGNED_AT, SECRETS).accepted()).isTrue();
    }

    @Test
    void postXWwwFormUrlencoded() {
        assertThat(service()
                        .verify(form("Param1=value1", "application/x-www-form-urlencoded"), SIGNED_AT, SECRETS)
                        .accepted())
                .isTrue();
    }

    @Test
    void aChangedBodyOrHeaderDoesNotMatch() {
        assertRefused(form("Param1=value2", "application/x-www-form-urlencoded"), SIGNED_AT, "SignatureDoesNotMatch");
        assertRefused(
                form("Param1=value1", "application/x-www-form-urlencoded; charset=latin1"),
                SIGNED_AT,
                "SignatureDoesNotMatch");
        SigV4Verifier.SignedRequest otherHost = request(
                "GET",
                "/",
                null,
                "",
                "service",
                "host;x-amz-date",
                "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
                "host",
                "example.amazonaws.com:8080");
        assertRefused(otherHost, SIGNED_AT, "SignatureDoesNotMatch");
        assertRefused(
                vanilla("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf30"),
                SIGNED_AT,
                "SignatureDoesNotMatch");
    }

    @Test
    void aStaleOrFutureDateIsExpiredAndFifteenMinutesIsNot() {
        SigV4Verifier.SignedRequest vanilla =
                vanilla("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
        assertThat(service()
                        .verify(vanilla, SIGNED_AT.plus(Duration.ofMinutes(15)), SECRETS)
                        .accepted())
                .isTrue();
        assertRefused(vanilla, SIGNED_AT.plus(Duration.ofMinutes(15)).plusSeconds(1), "RequestExpired");
        assertRefused(vanilla, SIGNED_AT.minus(Duration.ofMinutes(16)), "RequestExpired");
    }

    @Test
    void anUnknownKeyAWrongSecretOrAMissingSignatureIsRefused() {
        SigV4Verifier.SignedRequest vanilla =
                vanilla("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
        assertThat(service()
                        .verify(vanilla, SIGNED_AT, id -> Optional.empty())
                        .refusal()
                        .code())
                .isEqualTo("AuthFailure");
        assertThat(service()
                        .verify(vanilla, SIGNED_AT, id -> Optional.of(SECRET + "x"))
                        .refusal()
                        .code())
                .isEqualTo("SignatureDoesNotMatch");
        SigV4Verifier.SignedRequest unsigned = new SigV4Verifier.SignedRequest(
                "GET", "/", null, Map.of("host", List.of("example.amazonaws.com")), new byte[0]);
        assertRefused(unsigned, SIGNED_AT, "AuthFailure");
        assertThat(new SigV4Verifier("ec2")
                        .verify(vanilla, SIGNED_AT, SECRETS)
                        .refusal()
                        .code())
                .as("signed for another service")
                .isEqualTo("SignatureDoesNotMatch");
    }

    private static SigV4Verifier service() {
        return new SigV4Verifier("service");
    }

    private static void assertRefused(SigV4Verifier.SignedRequest request, Instant now, String code) {
        SigV4Verifier.Verdict verdict = service().verify(request, now, SECRETS);
        assertThat(verdict.accepted()).isFalse();
        assertThat(verdict.refusal().code()).isEqualTo(code);
    }

    private static SigV4Verifier.SignedRequest vanilla(String signature) {
        return request("GET", "/", null, "", "service", "host;x-amz-date", signature, "host", "example.amazonaws.com");
    }

    private static SigV4Verifier.SignedRequest form(String body, String contentType) {
        return request(
                "POST",
                "/",
                null,
                body,
                "service",
                "content-type;host;x-amz-date",
                "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
                "host",
                "example.amazonaws.com",
                "content-type",
                contentType);
    }

    private static SigV4Verifier.SignedRequest request(
            String method,
            String path,
            String query,
            String body,
            String service,
            String signedHeaders,
            String signature,
            String... headerPairs) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.put(headerPairs[i], List.of(headerPairs[i + 1]));
        }
        headers.put("x-amz-date", List.of("20150830T123600Z"));
        headers.put(
                "authorization",
                List.of("AWS4-HMAC-SHA256 Credential=" + KEY_ID + "/20150830/us-east-1/" + service
                        + "/aws4_request, SignedHeaders=" + signedHeaders + ", Signature=" + signature));
        return new SigV4Verifier.SignedRequest(method, path, query, headers, body.getBytes(StandardCharsets.UTF_8));
    }
}
