-- Core schema: tenants, tokens, hosts, VPCs, subnets, segment IDs, IPAM, instances.
-- Portable SQL: runs unchanged on H2 (embedded default) and PostgreSQL (profile "postgres").
-- IPv4 addresses are stored as BIGINT (unsigned 32-bit values) so that overlap checks are index range scans.

create table tenant (
    id          varchar(40)  primary key,
    name        varchar(64)  not null,
    created_at  timestamp with time zone not null,
    constraint uk_tenant_name unique (name)
);

create table tenant_token (
    id          varchar(40)  primary key,
    tenant_id   varchar(40)  not null references tenant (id) on delete cascade,
    token_hash  varchar(64)  not null,
    description varchar(200),
    created_at  timestamp with time zone not null,
    constraint uk_tenant_token_hash unique (token_hash)
);
create index ix_tenant_token_tenant on tenant_token (tenant_id);

create table host (
    id                 varchar(40) primary key,
    name               varchar(63) not null,
    underlay_ip        varchar(15) not null,
    udp_port           integer     not null,
    underlay_mtu       integer     not null,
    capabilities       varchar(64) not null,
    token_hash         varchar(64) not null,
    status             varchar(16) not null,
    desired_generation bigint      not null default 0,
    applied_generation bigint      not null default 0,
    last_seen          timestamp with time zone,
    convergence_millis bigint,
    created_at         timestamp with time zone not null,
    constraint uk_host_name unique (name),
    constraint uk_host_token_hash unique (token_hash)
);

create table vpc (
    id          varchar(40)  primary key,
    tenant_id   varchar(40)  not null references tenant (id),
    name        varchar(128),
    cidr_block  varchar(18)  not null,
    created_at  timestamp with time zone not null
);
create index ix_vpc_tenant on vpc (tenant_id, id);

create table vpc_cidr_block (
    id            varchar(40) primary key,
    vpc_id        varchar(40) not null references vpc (id) on delete cascade,
    cidr_block    varchar(18) not null,
    first_address bigint      not null,
    last_address  bigint      not null,
    is_primary    boolean     not null,
    created_at    timestamp with time zone not null,
    constraint uk_vpc_cidr_block unique (vpc_id, cidr_block)
);

-- One row per segmentation mode: the next candidate ID and how many are held, so allocation is a
-- locked row read plus a primary-key probe, never a scan (16,777,215 VNIs are never materialised).
create table segment_allocator (
    segmentation   varchar(8) primary key,
    next_candidate integer    not null,
    max_id         integer    not null,
    held_count     integer    not null
);
insert into segment_allocator (segmentation, next_candidate, max_id, held_count) values ('vxlan', 1, 16777215, 0);
insert into segment_allocator (segmentation, next_candidate, max_id, held_count) values ('vlan', 1, 4094, 0);

create table subnet (
    id              varchar(40)  primary key,
    tenant_id       varchar(40)  not null,
    vpc_id          varchar(40)  not null references vpc (id),
    name            varchar(128),
    cidr_block      varchar(18)  not null,
    first_address   bigint       not null,
    last_address    bigint       not null,
    segmentation    varchar(8)   not null,
    segment_id      integer      not null,
    allocated_count integer      not null,
    created_at      timestamp with time zone not null,
    -- Held segment IDs: the unique key guarantees an ID is never handed out twice while held.
    constraint uk_subnet_segment unique (segmentation, segment_id)
);
create index ix_subnet_vpc_range on subnet (vpc_id, first_address);
create index ix_subnet_tenant on subnet (tenant_id, id);

-- IPAM: one row per address in use (instance or, later, NAT gateway). The primary key makes two
-- holders of one address impossible even if two requests race.
create table address_allocation (
    subnet_id  varchar(40) not null references subnet (id) on delete cascade,
    address    bigint      not null,
    owner_id   varchar(40) not null,
    primary key (subnet_id, address)
);

create table instance (
    id                 varchar(40) primary key,
    tenant_id          varchar(40) not null,
    vpc_id             varchar(40) not null,
    subnet_id          varchar(40) not null references subnet (id),
    host_id            varchar(40) not null references host (id),
    kind               varchar(16) not null,
    name               varchar(63),
    private_ip_address varchar(15) not null,
    mac_address        varchar(17) not null,
    created_at         timestamp with time zone not null,
    constraint uk_instance_ip unique (subnet_id, private_ip_address),
    constraint uk_instance_mac unique (subnet_id, mac_address)
);
create index ix_instance_tenant on instance (tenant_id, id);
create index ix_instance_host on instance (host_id);
