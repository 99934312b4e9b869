package io.vpclab.controlplane.ec2;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 verification of a request signed in its Authorization header: rebuilds
 * the canonical request and string to sign, derives the signing key (HMAC chain over date, region,
 * service) and compares signatures in constant time. Any region is accepted; the service is fixed.
 */
final class SigV4Verifier {

    static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256\\s+Credential=([^/,\\s]+)/(\\d{8})/([^/,\\s]+)/([^/,\\s]+)/aws4_request\\s*,"
                    + "\\s*SignedHeaders=([a-z0-9;_.-]+)\\s*,\\s*Signature=([0-9a-f]{64})\\s*");

    private final String service;

    SigV4Verifier(String service) {
        this.service = service;
    }

    /** What the verifier needs of an HTTP request; header names lower-case, values in arrival order. */
    record SignedRequest(
            String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {

        Optional<String> header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(String.join(",", values));
        }
    }

    /** A refusal: EC2's code for it and a message that says what to fix. */
    record Refusal(String code, String message) {}

    /** The outcome: the access key that signed (whose secret matched), or a refusal. */
    record Verdict(String accessKeyId, Refusal refusal) {

        boolean accepted() {
            return refusal == null;
        }
    }

    /**
     * Verifies {@code request} at time {@code now}; {@code secrets} gives an access key's secret,
     * empty for an unknown key.
     */
    Verdict verify(SignedRequest request, Instant now, Function<String, Optional<String>> secrets) {
        Optional<String> authorization = request.header("authorization");
        if (authorization.isEmpty()) {
            return refuse("AuthFailure", "the request is not signed (Signature Version 4 Authorization header)");
        }
        Matcher parts = AUTHORIZATION.matcher(authorization.get());
        if (!parts.matches()) {
            return refuse(
                    "AuthFailure",
                    "the Authorization header is not AWS4-HMAC-SHA256 Credential=...,"
                            + " SignedHeaders=..., Signature=...");
        }
        String accessKeyId = parts.group(1);
        String scopeDate = parts.group(2);
        String region = parts.group(3);
        if (!service.equals(parts.group(4))) {
            return refuse(
                    "SignatureDoesNotMatch",
                    "the credential scope names service " + parts.group(4) + ", this endpoint is " + service);
        }
        Optional<String> amzDate = request.header("x-amz-date");
        Instant signedAt;
        try {
            signedAt = Instant.from(AMZ_DATE.parse(amzDate.orElse("")));
        } catch (DateTimeParseException e) {
            return refuse("AuthFailure", "X-Amz-Date must be present as yyyyMMdd'T'HHmmss'Z'");
        }
        if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0) {
            return refuse(
                    "RequestExpired",
                    "the request was signed at " + amzDate.get() + ", more than 15 minutes from the server's time "
                            + AMZ_DATE.format(now));
        }
        if (!amzDate.get().startsWith(scopeDate)) {
            return refuse("SignatureDoesNotMatch", "the credential scope date is not the date of X-Amz-Date");
        }
        List<String> signedHeaders = Arrays.asList(parts.group(5).split(";"));
        if (!signedHeaders.contains("host")) {
            return refuse("SignatureDoesNotMatch", "the Host header must be signed");
        }
        Optional<String> secret = secrets.apply(accessKeyId);
        if (secret.isEmpty()) {
            return refuse("AuthFailure", "AWS was not able to validate the provided access credentials");
        }
        String scope = scopeDate + "/" + region + "/" + service + "/aws4_request";
        String expected = signature(
                secret.get(),
                scopeDate,
                region,
                stringToSign(amzDate.get(), scope, canonicalRequest(request, signedHeaders)));
        boolean same = MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), parts.group(6).getBytes(StandardCharsets.US_ASCII));
        return same
                ? new Verdict(accessKeyId, null)
                : refuse(
                        "SignatureDoesNotMatch",
                        "The request signature we calculated does not match the signature you provided."
                                + " Check your AWS Secret Access Key and signing method.");
    }

    String canonicalRequest(SignedRequest request, List<String> signedHeaders) {
        StringBuilder canonical = new StringBuilder()
                .append(request.method())
                .append('\n')
                .append(canonicalPath(request.rawPath()))
                .append('\n')
                .append(canonicalQuery(request.rawQuery()))
                .append('\n');
        for (String name : signedHeaders) {
            canonical
                    .append(name)
                    .append(':')
                    .append(canonicalHeaderValue(request.headers().get(name)))
                    .append('\n');
        }
        return canonical
                .append('\n')
                .append(String.join(";", signedHeaders))
                .append('\n')
                .append(hex(sha256(request.body())))
                .toString();
    }

    static String stringToSign(String amzDate, String scope, String canonicalRequest) {
        return ALGORITHM + "\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    }

    byte[] signingKey(String secret, String date, String region) {
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        return hmac(key, "aws4_request");
    }

    String signature(String secret, String date, String region, String stringToSign) {
        return hex(hmac(signingKey(secret, date, region), stringToSign));
    }

    private static String canonicalPath(String rawPath) {
        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/", -1)) {
            segments.add(QueryText.encode(QueryText.decodePath(segment)));
        }
        return String.join("/", segments);
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (QueryText.Pair pair : QueryText.pairs(rawQuery)) {
            pairs.add(new String[] {QueryText.encode(pair.name()), QueryText.encode(pair.value())});
        }
        pairs.sort(Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]));
        return String.join("&", pairs.stream().map(p -> p[0] + "=" + p[1]).toList());
    }

    private static String canonicalHeaderValue(List<String> values) {
        if (values == null) {
            return "";
        }
        return String.join(
                ",", values.stream().map(v -> v.trim().replaceAll("\\s+", " ")).toList());
    }

    private static Verdict refuse(String code, String message) {
        return new Verdict(null, new Refusal(code, message));
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
