package io.vpclab.controlplane;

/** The concurrency scenarios on the embedded H2 file database (the default store). */
class H2ConcurrencyTest extends ConcurrencyScenarios {}
