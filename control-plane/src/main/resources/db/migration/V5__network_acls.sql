-- Network ACLs (issue 15): per VPC, one default ACL per VPC created with it; numbered entries per
-- direction (the final '*' deny is implicit); each subnet is associated with exactly one.
create table network_acl (
    id          varchar(40) primary key,
    tenant_id   varchar(40) not null references tenant (id),
    vpc_id      varchar(40) not null references vpc (id),
    is_default  boolean     not null,
    created_at  timestamp with time zone not null
);
create index ix_network_acl_tenant on network_acl (tenant_id, id);
create index ix_network_acl_vpc on network_acl (vpc_id);

create table network_acl_entry (
    id           varchar(40) primary key,
    acl_id       varchar(40) not null references network_acl (id),
    egress       boolean     not null,
    rule_number  integer     not null,
    protocol     varchar(8)  not null,
    allow        boolean     not null,
    cidr_block   varchar(18) not null,
    from_port    integer,
    to_port      integer,
    constraint uk_network_acl_entry unique (acl_id, egress, rule_number)
);

create table subnet_network_acl (
    subnet_id  varchar(40) primary key references subnet (id),
    acl_id     varchar(40) not null references network_acl (id)
);
create index ix_subnet_network_acl_acl on subnet_network_acl (acl_id);

-- VPCs and subnets stored before this migration get what new ones get: the VPC's default ACL
-- (rule 100 allows everything both ways) and their association with it.
insert into network_acl (id, tenant_id, vpc_id, is_default, created_at)
    select 'acl-' || substring(v.id, 5), v.tenant_id, v.id, true, current_timestamp
    from vpc v;
insert into network_acl_entry (id, acl_id, egress, rule_number, protocol, allow, cidr_block)
    select 'aclentry-' || substring(v.id, 5, 16) || '0', 'acl-' || substring(v.id, 5), false, 100, 'ALL', true,
           '0.0.0.0/0'
    from vpc v;
insert into network_acl_entry (id, acl_id, egress, rule_number, protocol, allow, cidr_block)
    select 'aclentry-' || substring(v.id, 5, 16) || '1', 'acl-' || substring(v.id, 5), true, 100, 'ALL', true,
           '0.0.0.0/0'
    from vpc v;
insert into subnet_network_acl (subnet_id, acl_id)
    select s.id, 'acl-' || substring(s.vpc_id, 5)
    from subnet s;
