-- Tags on resources (EC2's CreateTags), beyond the name a resource carries itself. One row per
-- resource and key; the resource may be of any kind, so there is no foreign key: a resource's
-- tags are deleted when its feature announces the delete.
create table resource_tag (
    id           varchar(200) primary key,
    tenant_id    varchar(40)  not null,
    resource_id  varchar(60)  not null,
    tag_key      varchar(128) not null,
    tag_value    varchar(256) not null,
    created_at   timestamp with time zone not null
);
create index ix_resource_tag_resource on resource_tag (resource_id, tag_key);
create index ix_resource_tag_tenant on resource_tag (tenant_id, id);

-- What RunInstances was asked to run (EC2's ImageId and InstanceType): recorded and shown, not
-- interpreted, since an instance here is a simulated or namespaced network endpoint.
alter table instance add column image_id varchar(64);
alter table instance add column instance_type varchar(32);
