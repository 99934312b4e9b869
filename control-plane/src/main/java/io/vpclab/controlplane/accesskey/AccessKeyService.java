package io.vpclab.controlplane.accesskey;

import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.SecretSealer;
import io.vpclab.controlplane.system.VpcLabProperties;
import io.vpclab.controlplane.tenant.TenantDeleting;
import io.vpclab.controlplane.tenant.TenantService;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Issues, lists and deletes access keys (admin only) and gives SigV4 verification a key's secret. */
@Service
public class AccessKeyService {

    private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AccessKeyRepository keys;
    private final SecretSealer sealer;
    private final TenantService tenants;

    /** The sealing key file, beside the admin token. */
    static final String SEALING_KEY_FILE = "access-key-encryption-key";

    AccessKeyService(AccessKeyRepository keys, VpcLabProperties properties, TenantService tenants) {
        this.keys = keys;
        this.sealer = new SecretSealer(
                SecretSealer.keyInDataDir(properties.dataDir(), SEALING_KEY_FILE),
                properties.dataDir().resolve(SEALING_KEY_FILE).toString());
        this.tenants = tenants;
    }

    /** A new key with its secret, which is never shown again. */
    public record IssuedKey(AccessKey key, String secret) {}

    /** What SigV4 verification needs: the secret and the caller it stands for. */
    public record SigningKey(String tenantId, String secret) {

        public Caller caller() {
            return Caller.tenant(tenantId);
        }
    }

    @Transactional
    public IssuedKey issue(Caller caller, String tenantId) {
        caller.requireAdmin();
        tenants.lockForUse(caller, tenantId);
        String id = "AKIA" + random(ID_ALPHABET, 16);
        String secret = random(SECRET_ALPHABET, 40);
        AccessKey key = keys.saveAndFlush(new AccessKey(id, tenantId, sealer.seal(id, secret), Instant.now()));
        return new IssuedKey(key, secret);
    }

    @Transactional(readOnly = true)
    public List<AccessKey> list(Caller caller, String tenantId) {
        caller.requireAdmin();
        tenants.get(caller, tenantId);
        return keys.findByTenantIdOrderByIdAsc(tenantId);
    }

    @Transactional
    public void delete(Caller caller, String tenantId, String accessKeyId) {
        caller.requireAdmin();
        AccessKey key = keys.findById(accessKeyId)
                .filter(k -> k.tenantId().equals(tenantId))
                .orElseThrow(() -> ApiException.notFound(
                        "InvalidAccessKeyId.NotFound", "access key " + accessKeyId + " does not exist"));
        keys.delete(key);
    }

    @Transactional(readOnly = true)
    public Optional<SigningKey> signingKey(String accessKeyId) {
        return keys.findById(accessKeyId).map(k -> new SigningKey(k.tenantId(), sealer.open(k.id(), k.secretSealed())));
    }

    /** A tenant's keys die with it, as its tokens do. */
    @EventListener
    void deleteKeysOfDeletedTenant(TenantDeleting deleting) {
        keys.deleteByTenantId(deleting.tenantId());
    }

    private static String random(String alphabet, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return text.toString();
    }
}
