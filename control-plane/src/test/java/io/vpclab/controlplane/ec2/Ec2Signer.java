package io.vpclab.controlplane.ec2;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs and sends form POSTs to {@code /ec2} as an AWS SDK does (SigV4 over content-type, host
 * and x-amz-date); {@link #tampered} lets a test change the request after signing it.
 */
public final class Ec2Signer {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String FORM = "application/x-www-form-urlencoded; charset=utf-8";

    private final int port;
    private final String accessKeyId;
    private final String secret;

    public Ec2Signer(int port, String accessKeyId, String secret) {
        this.port = port;
        this.accessKeyId = accessKeyId;
        this.secret = secret;
    }

    /** What to change after signing: the body sent, or the time signed. */
    record Tampering(String sentBody, Instant signedAt) {}

    public HttpResponse<String> send(String form) throws Exception {
        return tampered(form, new Tampering(form, Instant.now()));
    }

    HttpResponse<String> tampered(String signedForm, Tampering tampering) throws Exception {
        String host = "localhost:" + port;
        String amzDate = AMZ_DATE.format(tampering.signedAt());
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("content-type", List.of(FORM));
        headers.put("host", List.of(host));
        headers.put("x-amz-date", List.of(amzDate));
        SigV4Verifier verifier = new SigV4Verifier("ec2");
        List<String> signed = List.of("content-type", "host", "x-amz-date");
        String canonical = verifier.canonicalRequest(
                new SigV4Verifier.SignedRequest(
                        "POST", "/ec2", null, headers, signedForm.getBytes(StandardCharsets.UTF_8)),
                signed);
        String date = amzDate.substring(0, 8);
        String scope = date + "/us-east-1/ec2/aws4_request";
        String signature =
                verifier.signature(secret, date, "us-east-1", SigV4Verifier.stringToSign(amzDate, scope, canonical));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + "/ec2"))
                .header("Content-Type", FORM)
                .header("X-Amz-Date", amzDate)
                .header(
                        "Authorization",
                        "AWS4-HMAC-SHA256 Credential=" + accessKeyId + "/" + scope
                                + ", SignedHeaders=content-type;host;x-amz-date, Signature=" + signature)
                .POST(HttpRequest.BodyPublishers.ofString(tampering.sentBody()))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
