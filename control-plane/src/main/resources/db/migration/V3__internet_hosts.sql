-- Internet hosts created through /api/v1/internet-hosts (those in vpclab.public.* stay in configuration).
create table internet_host (
    id          varchar(40) primary key,
    name        varchar(40) not null,
    ip          varchar(15) not null,
    host_id     varchar(40) not null references host (id),
    kind        varchar(16) not null,
    created_at  timestamp with time zone not null,
    constraint uk_internet_host_name unique (name),
    constraint uk_internet_host_ip unique (ip)
);
create index ix_internet_host_host on internet_host (host_id);
