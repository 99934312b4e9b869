-- Network services: whitelists, elastic IPs, NAT gateways (with subnet associations), VPC peerings.
-- Portable SQL for H2 and PostgreSQL. Unique keys back every 1:1 rule, so a race the row locks
-- missed still cannot store two holders (both databases allow many NULLs in a unique key).

create table whitelist (
    id          varchar(40) primary key,
    tenant_id   varchar(40) not null references tenant (id),
    name        varchar(64) not null,
    drop_count  bigint      not null,
    created_at  timestamp with time zone not null,
    constraint uk_whitelist_name unique (tenant_id, name)
);
create index ix_whitelist_tenant on whitelist (tenant_id, id);

create table whitelist_rule (
    id            varchar(40) primary key,
    whitelist_id  varchar(40) not null references whitelist (id) on delete cascade,
    position      integer     not null,
    protocol      varchar(8)  not null,
    cidr_block    varchar(18) not null,
    from_port     integer,
    to_port       integer,
    hit_count     bigint      not null,
    created_at    timestamp with time zone not null
);
create index ix_whitelist_rule_list on whitelist_rule (whitelist_id, position);

-- The pool's single row is the lock that serialises allocation, and counts what is held.
create table eip_pool (
    id          varchar(16) primary key,
    held_count  integer     not null
);
insert into eip_pool (id, held_count) values ('default', 0);

create table elastic_ip (
    id                 varchar(40) primary key,
    tenant_id          varchar(40) not null references tenant (id),
    public_ip          varchar(15) not null,
    address            bigint      not null,
    association_id     varchar(40),
    instance_id        varchar(40),
    nat_gateway_id     varchar(40),
    vpc_id             varchar(40),
    subnet_id          varchar(40),
    private_ip_address varchar(15),
    ingress_policy     varchar(16) not null,
    whitelist_id       varchar(40) references whitelist (id),
    created_at         timestamp with time zone not null,
    constraint uk_eip_address unique (address),
    constraint uk_eip_instance unique (instance_id),
    constraint uk_eip_nat_gateway unique (nat_gateway_id)
);
create index ix_eip_tenant on elastic_ip (tenant_id, id);
create index ix_eip_vpc on elastic_ip (vpc_id);
create index ix_eip_subnet on elastic_ip (subnet_id);
create index ix_eip_whitelist on elastic_ip (whitelist_id);

create table nat_gateway (
    id                   varchar(40) primary key,
    tenant_id            varchar(40) not null references tenant (id),
    vpc_id               varchar(40) not null references vpc (id),
    subnet_id            varchar(40) not null references subnet (id),
    name                 varchar(128),
    host_id              varchar(40) references host (id),
    private_ip_address   varchar(15) not null,
    egress_policy        varchar(16) not null,
    whitelist_id         varchar(40) references whitelist (id),
    tcp_idle_timeout     integer     not null,
    udp_idle_timeout     integer     not null,
    state                varchar(16) not null,
    created_at           timestamp with time zone not null
);
create index ix_nat_gateway_tenant on nat_gateway (tenant_id, id);
create index ix_nat_gateway_vpc on nat_gateway (vpc_id);
create index ix_nat_gateway_subnet on nat_gateway (subnet_id);
create index ix_nat_gateway_host on nat_gateway (host_id);
create index ix_nat_gateway_whitelist on nat_gateway (whitelist_id);

-- The subnet is the key: a subnet goes out through at most one NAT gateway.
create table nat_gateway_subnet (
    subnet_id       varchar(40) primary key references subnet (id),
    nat_gateway_id  varchar(40) not null references nat_gateway (id) on delete cascade,
    created_at      timestamp with time zone not null
);
create index ix_nat_gateway_subnet_gateway on nat_gateway_subnet (nat_gateway_id);

-- pair_key ("lowVpcId/highVpcId") is set while pending or active and cleared on rejection, so the
-- unique key allows at most one live peering per pair of VPCs.
create table vpc_peering (
    id                   varchar(40) primary key,
    requester_vpc_id     varchar(40) not null,
    requester_tenant_id  varchar(40) not null,
    accepter_vpc_id      varchar(40) not null,
    accepter_tenant_id   varchar(40) not null,
    status               varchar(24) not null,
    pair_key             varchar(81),
    created_at           timestamp with time zone not null,
    constraint uk_vpc_peering_pair unique (pair_key)
);
create index ix_vpc_peering_requester on vpc_peering (requester_vpc_id);
create index ix_vpc_peering_accepter on vpc_peering (accepter_vpc_id);
create index ix_vpc_peering_requester_tenant on vpc_peering (requester_tenant_id, id);
create index ix_vpc_peering_accepter_tenant on vpc_peering (accepter_tenant_id, id);
