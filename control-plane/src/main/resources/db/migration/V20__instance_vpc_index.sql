-- The compiler reads a VPC's instances after every change to it (StoreNetworkReader): by VPC, in
-- id order. Without this index that read scanned every instance of every tenant, so a change
-- took longer the larger the whole network was (issue 20: 100,000 instances).
create index ix_instance_vpc on instance (vpc_id, id);
