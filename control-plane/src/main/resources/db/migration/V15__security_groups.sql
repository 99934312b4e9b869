-- Security groups (issue 15): per VPC, one 'default' group per VPC created with it, rules that
-- name a CIDR or another group, and the 1..5 groups each instance carries. Portable SQL for H2
-- and PostgreSQL. Numbered after the issue so that parallel migrations of other features do not
-- take the same version.

create table security_group (
    id           varchar(40)  primary key,
    tenant_id    varchar(40)  not null references tenant (id),
    vpc_id       varchar(40)  not null references vpc (id),
    name         varchar(255) not null,
    description  varchar(255) not null,
    is_default   boolean      not null,
    created_at   timestamp with time zone not null,
    constraint uk_security_group_name unique (vpc_id, name)
);
create index ix_security_group_tenant on security_group (tenant_id, id);

create table security_group_rule (
    id                   varchar(40) primary key,
    group_id             varchar(40) not null references security_group (id),
    direction            varchar(8)  not null,
    position             integer     not null,
    protocol             varchar(8)  not null,
    from_port            integer,
    to_port              integer,
    cidr_block           varchar(18),
    referenced_group_id  varchar(40) references security_group (id),
    description          varchar(255),
    created_at           timestamp with time zone not null
);
create index ix_security_group_rule_group on security_group_rule (group_id, direction, position);
create index ix_security_group_rule_referenced on security_group_rule (referenced_group_id);

create table instance_security_group (
    id           varchar(40) primary key,
    instance_id  varchar(40) not null references instance (id),
    group_id     varchar(40) not null references security_group (id),
    constraint uk_instance_security_group unique (instance_id, group_id)
);
create index ix_instance_security_group_group on instance_security_group (group_id);
