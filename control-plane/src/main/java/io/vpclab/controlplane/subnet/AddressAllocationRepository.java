package io.vpclab.controlplane.subnet;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface AddressAllocationRepository extends JpaRepository<AddressAllocation, AddressAllocation.Key> {

    @Query("select a.address from AddressAllocation a where a.subnetId = :subnetId")
    List<Long> addresses(String subnetId);

    boolean existsBySubnetIdAndAddress(String subnetId, long address);

    @Modifying
    @Query("delete from AddressAllocation a where a.subnetId = :subnetId and a.address = :address")
    int release(String subnetId, long address);

    @Modifying
    @Query("delete from AddressAllocation a where a.subnetId = :subnetId")
    int releaseAll(String subnetId);
}
