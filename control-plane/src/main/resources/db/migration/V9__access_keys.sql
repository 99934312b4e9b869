-- AWS-style access keys for the EC2 Query endpoint. SigV4 needs the secret itself to verify a
-- signature, so it is kept encrypted (AES-GCM, key in the data folder), never as a hash.
create table access_key (
    id             varchar(20)  primary key,
    tenant_id      varchar(40)  not null references tenant (id),
    secret_sealed  varchar(200) not null,
    created_at     timestamp with time zone not null
);
create index ix_access_key_tenant on access_key (tenant_id, id);
