-- Site-to-site VPN (WireGuard): customer gateways, VPN gateways (one per VPC), VPN connections.
-- The gateway's private key is stored as WireGuard's base64 (the project has no secret store
-- yet; the host running the gateway needs it in its table) and never leaves through the API.
create table customer_gateway (
    id          varchar(40)  primary key,
    tenant_id   varchar(40)  not null references tenant (id),
    name        varchar(128),
    ip_address  varchar(15)  not null,
    public_key  varchar(44)  not null,
    created_at  timestamp with time zone not null
);
create index ix_customer_gateway_tenant on customer_gateway (tenant_id, id);

create table vpn_gateway (
    id           varchar(40)  primary key,
    tenant_id    varchar(40)  not null references tenant (id),
    vpc_id       varchar(40)  not null references vpc (id),
    name         varchar(128),
    host_id      varchar(40)  references host (id),
    listen_port  integer      not null,
    public_key   varchar(44)  not null,
    private_key  varchar(44)  not null,
    state        varchar(16)  not null,
    created_at   timestamp with time zone not null,
    constraint uk_vpn_gateway_vpc unique (vpc_id)
);
create index ix_vpn_gateway_tenant on vpn_gateway (tenant_id, id);
create index ix_vpn_gateway_host on vpn_gateway (host_id);

create table vpn_connection (
    id                    varchar(40)   primary key,
    tenant_id             varchar(40)   not null references tenant (id),
    vpc_id                varchar(40)   not null references vpc (id),
    vpn_gateway_id        varchar(40)   not null references vpn_gateway (id),
    customer_gateway_id   varchar(40)   not null references customer_gateway (id),
    on_premises_cidrs     varchar(2000) not null,
    preshared_key         varchar(44),
    created_at            timestamp with time zone not null
);
create index ix_vpn_connection_tenant on vpn_connection (tenant_id, id);
create index ix_vpn_connection_vpc on vpn_connection (vpc_id);
create index ix_vpn_connection_vgw on vpn_connection (vpn_gateway_id);
create index ix_vpn_connection_cgw on vpn_connection (customer_gateway_id);
