-- Route tables (issue 15): one main table per VPC, created with it, plus custom tables; a subnet
-- uses the main table unless explicitly associated with another one. The local route of each VPC
-- block is implicit (computed from the VPC's blocks, never stored); stored routes lead to a NAT
-- gateway, a peering, a VPN gateway, an instance (an appliance) or a blackhole.
create table route_table (
    id              varchar(40) primary key,
    tenant_id       varchar(40) not null references tenant (id),
    vpc_id          varchar(40) not null references vpc (id),
    name            varchar(128),
    is_main         boolean     not null,
    -- set on the table the NAT gateway subnet-association API made for that gateway's subnets
    nat_gateway_id  varchar(40),
    created_at      timestamp with time zone not null
);
create index ix_route_table_tenant on route_table (tenant_id, id);
create index ix_route_table_vpc on route_table (vpc_id);

-- id = route_table_id '|' destination: a table routes a destination once
create table route_table_route (
    id              varchar(80) primary key,
    route_table_id  varchar(40) not null references route_table (id),
    destination     varchar(18) not null,
    target_type     varchar(32) not null,
    target_id       varchar(40),
    created_at      timestamp with time zone not null,
    constraint uk_route_table_route unique (route_table_id, destination)
);
create index ix_route_table_route_target on route_table_route (target_id);

create table subnet_route_table (
    subnet_id       varchar(40) primary key references subnet (id),
    route_table_id  varchar(40) not null references route_table (id)
);
create index ix_subnet_route_table_table on subnet_route_table (route_table_id);

-- Backfill: what used to be implicit becomes ordinary routes, so stored topologies behave the same.
-- 1. every VPC gets its main table
insert into route_table (id, tenant_id, vpc_id, name, is_main, nat_gateway_id, created_at)
    select 'rtb-' || substring(v.id, 5), v.tenant_id, v.id, null, true, null, current_timestamp
    from vpc v;

-- 2. the subnets associated with a NAT gateway get one table per gateway, with 0.0.0.0/0 to it
insert into route_table (id, tenant_id, vpc_id, name, is_main, nat_gateway_id, created_at)
    select 'rtb-' || substring(n.id, 5), n.tenant_id, n.vpc_id, null, false, n.id, current_timestamp
    from nat_gateway n
    where exists (select 1 from nat_gateway_subnet a where a.nat_gateway_id = n.id);
insert into route_table_route (id, route_table_id, destination, target_type, target_id, created_at)
    select 'rtb-' || substring(n.id, 5) || '|0.0.0.0/0', 'rtb-' || substring(n.id, 5), '0.0.0.0/0', 'NAT_GATEWAY',
           n.id, current_timestamp
    from nat_gateway n
    where exists (select 1 from nat_gateway_subnet a where a.nat_gateway_id = n.id);
insert into subnet_route_table (subnet_id, route_table_id)
    select a.subnet_id, 'rtb-' || substring(a.nat_gateway_id, 5)
    from nat_gateway_subnet a;

-- 3. every table on either side of an active peering routes each of the peer's blocks to it
insert into route_table_route (id, route_table_id, destination, target_type, target_id, created_at)
    select t.id || '|' || b.cidr_block, t.id, b.cidr_block, 'VPC_PEERING_CONNECTION', p.id, current_timestamp
    from vpc_peering p
    join route_table t on t.vpc_id = p.requester_vpc_id
    join vpc_cidr_block b on b.vpc_id = p.accepter_vpc_id
    where p.status = 'active';
insert into route_table_route (id, route_table_id, destination, target_type, target_id, created_at)
    select t.id || '|' || b.cidr_block, t.id, b.cidr_block, 'VPC_PEERING_CONNECTION', p.id, current_timestamp
    from vpc_peering p
    join route_table t on t.vpc_id = p.accepter_vpc_id
    join vpc_cidr_block b on b.vpc_id = p.requester_vpc_id
    where p.status = 'active';
