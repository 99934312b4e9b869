-- Security groups (issue 15): per VPC, one 'default' group per VPC created with it, rules that
-- name a CIDR or another group, and the 1..5 groups each instance carries. Portable SQL for H2
-- and PostgreSQL.

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

-- VPCs and instances stored before this migration get what a new VPC and instance get: the VPC's
-- default group (members reach each other, all outbound allowed) and membership of it. Ids keep
-- the AWS shape (prefix and 17 hex digits) and derive from the owner's id, so they are unique.
insert into security_group (id, tenant_id, vpc_id, name, description, is_default, created_at)
    select 'sg-' || substring(v.id, 5), v.tenant_id, v.id, 'default', 'default VPC security group', true,
           current_timestamp
    from vpc v;
insert into security_group_rule (id, group_id, direction, position, protocol, cidr_block, referenced_group_id,
                                 created_at)
    select 'sgr-' || substring(v.id, 5, 16) || '0', 'sg-' || substring(v.id, 5), 'INGRESS', 0, 'ALL', null,
           'sg-' || substring(v.id, 5), current_timestamp
    from vpc v;
insert into security_group_rule (id, group_id, direction, position, protocol, cidr_block, referenced_group_id,
                                 created_at)
    select 'sgr-' || substring(v.id, 5, 16) || '1', 'sg-' || substring(v.id, 5), 'EGRESS', 1, 'ALL', '0.0.0.0/0',
           null, current_timestamp
    from vpc v;
insert into instance_security_group (id, instance_id, group_id)
    select 'sgm-' || substring(i.id, 3), i.id, 'sg-' || substring(s.vpc_id, 5)
    from instance i join subnet s on s.id = i.subnet_id;
