-- A TAP or netns instance may be given the name of its TAP device (Linux IFNAMSIZ: at most 15
-- characters); null means derived from the instance id. One name per host: the kernel has one
-- device of each name per namespace, and an agent creates its TAPs in its own.
alter table instance add column device_name varchar(15);
create unique index instance_host_device_name on instance (host_id, device_name);
