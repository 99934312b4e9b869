/**
 * JMH benchmarks of the data plane's hot path without I/O (decapsulation, lookups,
 * encapsulation, NAT, whitelists, offload codecs), so that time and allocation per packet are
 * measured where they are spent and kept apart from the tests, which never assert wall-clock time.
 */
package io.vpclab.benchmarks;
