-- ARP suppression per VPC: true (the default, and every VPC made before) has the agents answer ARP
-- from the bindings they hold; false floods broadcast ARP to every VTEP and port of the segment.
alter table vpc add column arp_suppression boolean default true not null;
