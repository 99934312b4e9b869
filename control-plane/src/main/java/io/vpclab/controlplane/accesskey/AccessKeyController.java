package io.vpclab.controlplane.accesskey;

import static io.vpclab.controlplane.system.Times.utc;

import io.vpclab.api.AccessKeysApi;
import io.vpclab.api.model.AccessKeyInfo;
import io.vpclab.api.model.AccessKeyList;
import io.vpclab.api.model.IssuedAccessKey;
import io.vpclab.controlplane.system.Callers;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class AccessKeyController implements AccessKeysApi {

    private final AccessKeyService keys;

    AccessKeyController(AccessKeyService keys) {
        this.keys = keys;
    }

    @Override
    public ResponseEntity<IssuedAccessKey> createAccessKey(String tenantId) {
        AccessKeyService.IssuedKey issued = keys.issue(Callers.current(), tenantId);
        AccessKey key = issued.key();
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(new IssuedAccessKey(key.id(), key.tenantId(), issued.secret(), utc(key.createdAt())));
    }

    @Override
    public ResponseEntity<AccessKeyList> listAccessKeys(String tenantId) {
        return ResponseEntity.ok(new AccessKeyList(keys.list(Callers.current(), tenantId).stream()
                .map(k -> new AccessKeyInfo(k.id(), k.tenantId(), utc(k.createdAt())))
                .toList()));
    }

    @Override
    public ResponseEntity<Void> deleteAccessKey(String tenantId, String accessKeyId) {
        keys.delete(Callers.current(), tenantId, accessKeyId);
        return ResponseEntity.noContent().build();
    }
}
