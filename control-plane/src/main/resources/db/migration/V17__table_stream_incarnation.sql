-- The first part of every table-stream event id, one per store (issue 20): generations are
-- allocated in this database, so an event id names the same table on every replica and after a
-- restart, and an agent that moves or reconnects resumes with a delta. A new store (data reset,
-- another database) gets another value, so an agent of the old one gets a snapshot. The single
-- row is written by the first replica that starts (StreamIncarnation).
create table table_stream_incarnation (
    singleton   smallint    primary key check (singleton = 1),
    incarnation varchar(32) not null
);
