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
