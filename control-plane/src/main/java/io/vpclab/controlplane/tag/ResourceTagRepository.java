package io.vpclab.controlplane.tag;

import java.util.Collection;
import java.util.List;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface ResourceTagRepository extends JpaRepository<ResourceTag, String> {

    List<ResourceTag> findByResourceIdOrderByKey(String resourceId);

    List<ResourceTag> findByResourceIdInOrderByResourceIdAscKeyAsc(Collection<String> resourceIds);

    long countByResourceId(String resourceId);

    /** A tenant's tags (every tenant's when {@code tenantId} is null) after {@code afterId}, by ID. */
    @Query("select t from ResourceTag t where (:tenantId is null or t.tenantId = :tenantId) and t.id > :afterId"
            + " order by t.id")
    List<ResourceTag> page(String tenantId, String afterId, Limit limit);

    void deleteByResourceId(String resourceId);

    void deleteByTenantId(String tenantId);
}
