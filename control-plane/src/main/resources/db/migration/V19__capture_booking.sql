-- Captures are counted against one limit over every replica (CaptureService.ACTIVE_LIMIT). A
-- booking locks this row before it counts, so two replicas (or two threads) booking at once
-- queue here instead of both seeing room for the last capture.
create table capture_booking (
    singleton smallint primary key check (singleton = 1)
);
insert into capture_booking (singleton) values (1);
