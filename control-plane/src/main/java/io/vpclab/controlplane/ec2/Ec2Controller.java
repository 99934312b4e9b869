package io.vpclab.controlplane.ec2;

import io.vpclab.controlplane.accesskey.AccessKeyService;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * The EC2 Query endpoint: a request signed (SigV4) with a tenant's access key acts as that tenant,
 * its {@code Action} is dispatched to an {@link Ec2Action}, and every answer, refusal included, is
 * EC2's XML. The body is read raw here, before anything parses it, since the signature covers it.
 */
@RestController
class Ec2Controller {

    private static final Logger log = LoggerFactory.getLogger(Ec2Controller.class);
    private static final MediaType XML = MediaType.parseMediaType("text/xml;charset=UTF-8");

    private final SigV4Verifier verifier = new SigV4Verifier("ec2");
    private final AccessKeyService keys;
    private final Map<String, Ec2Action> actions = new HashMap<>();
    private final Clock clock;

    Ec2Controller(AccessKeyService keys, List<Ec2Action.Group> groups) {
        this.keys = keys;
        this.clock = Clock.systemUTC();
        groups.forEach(group -> actions.putAll(group.actions()));
    }

    @RequestMapping(
            path = {"/ec2", "/ec2/"},
            method = {RequestMethod.GET, RequestMethod.POST})
    ResponseEntity<String> handle(HttpServletRequest request) throws IOException {
        String requestId = UUID.randomUUID().toString();
        try {
            byte[] body = request.getInputStream().readAllBytes();
            Caller caller = authenticate(request, body);
            Ec2Query query = Ec2Query.parse(formText(request, body));
            Ec2Action action = actions.get(query.action());
            if (action == null) {
                throw Ec2Exception.badRequest(
                        "InvalidAction", "The action " + query.action() + " is not valid for this web service.");
            }
            Ec2Xml response = Ec2Xml.response(query.action(), requestId);
            action.run(caller, query, response);
            return ResponseEntity.ok().contentType(XML).body(response.finish());
        } catch (Ec2Exception refused) {
            return error(refused.status(), refused.code(), refused.getMessage(), requestId);
        } catch (ApiException refused) {
            return error(ec2Status(refused), refused.code(), refused.getMessage(), requestId);
        } catch (RuntimeException unexpected) {
            log.error("EC2 request {} failed", requestId, unexpected);
            return error(500, "InternalError", "An internal error has occurred (request " + requestId + ")", requestId);
        }
    }

    private Caller authenticate(HttpServletRequest request, byte[] body) {
        Map<String, Optional<AccessKeyService.SigningKey>> looked = new HashMap<>();
        SigV4Verifier.Verdict verdict = verifier.verify(
                new SigV4Verifier.SignedRequest(
                        request.getMethod(), request.getRequestURI(), request.getQueryString(), headers(request), body),
                clock.instant(),
                id -> looked.computeIfAbsent(id, keys::signingKey).map(AccessKeyService.SigningKey::secret));
        if (!verdict.accepted()) {
            String code = verdict.refusal().code();
            int status = "AuthFailure".equals(code) ? 401 : "SignatureDoesNotMatch".equals(code) ? 403 : 400;
            throw new Ec2Exception(status, code, verdict.refusal().message());
        }
        return looked.get(verdict.accessKeyId()).orElseThrow().caller();
    }

    /** The query string and, for a form POST, the body: both carry parameters. */
    private static String formText(HttpServletRequest request, byte[] body) {
        String query = request.getQueryString() == null ? "" : request.getQueryString();
        String type =
                request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
        if (body.length > 0 && !type.startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE)) {
            throw Ec2Exception.badRequest(
                    "InvalidParameterValue", "a request body must be application/x-www-form-urlencoded");
        }
        String form = new String(body, StandardCharsets.UTF_8);
        return query.isEmpty() ? form : form.isEmpty() ? query : query + "&" + form;
    }

    private static Map<String, List<String>> headers(HttpServletRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                    .addAll(Collections.list(request.getHeaders(name)));
        }
        return headers;
    }

    /** EC2 answers every client error with 400, except authentication (401) and permission (403). */
    private static int ec2Status(ApiException refused) {
        int status = refused.status().value();
        return status == 401 || status == 403 || status == 413 || status >= 500 ? status : 400;
    }

    private static ResponseEntity<String> error(int status, String code, String message, String requestId) {
        return ResponseEntity.status(status).contentType(XML).body(Ec2Xml.error(code, message, requestId));
    }
}
