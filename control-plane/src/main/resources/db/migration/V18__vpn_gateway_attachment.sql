-- A VPN gateway is made on its own and attached to a VPC later, as in EC2 (issue 19). vpc_id is
-- the VPC it is attached to now (still at most one gateway per VPC), detached_vpc_id the VPC it
-- was last detached from, shown as a "detached" attachment. A connection's vpc_id follows its
-- gateway's: null while the gateway is detached, so its routes and its peer leave the VPC's tables.
alter table vpn_gateway alter column vpc_id drop not null;
alter table vpn_gateway add column detached_vpc_id varchar(40);
alter table vpn_connection alter column vpc_id drop not null;
