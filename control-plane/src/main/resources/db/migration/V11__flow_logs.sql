-- Flow logs (issue 15): a configuration per VPC, subnet or instance. The records themselves live
-- in memory (a bounded ring per configuration) and optionally in rolling files, not here.
create table flow_log (
    id                       varchar(40) primary key,
    tenant_id                varchar(40) not null references tenant (id),
    vpc_id                   varchar(40) not null,
    resource_id              varchar(40) not null,
    resource_type            varchar(16) not null,
    traffic_type             varchar(8)  not null,
    max_aggregation_interval integer     not null,
    created_at               timestamp with time zone not null
);
create index ix_flow_log_tenant on flow_log (tenant_id, id);
create index ix_flow_log_vpc on flow_log (vpc_id);
create index ix_flow_log_resource on flow_log (resource_id);
