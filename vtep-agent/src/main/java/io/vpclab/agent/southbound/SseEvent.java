package io.vpclab.agent.southbound;

/** One server-sent event: the {@code event:} name (default "message"), optional {@code id:} and data. */
public record SseEvent(String name, String id, String data) {}
