package io.vpclab.dataplane.offload;

import io.vpclab.dataplane.linux.Netns;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The kernel's side of the offload tests' TCP streams: a socket in a namespace that takes an upload and answers a download. */
final class KernelTcpServer {

    private KernelTcpServer() {}

    /** A listening socket on {@code ip}:{@code port} inside {@code namespace}. */
    static ServerSocket listen(String namespace, String ip, int port) throws Exception {
        return Netns.createIn(namespace, () -> {
            ServerSocket socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getByName(ip), port));
            return socket;
        });
    }

    /**
     * Accepts one connection, reads {@code uploadLength} bytes into {@code received}, writes
     * {@code download}, and keeps the connection open until {@code finished} (the test has read everything).
     */
    static void serve(
            ServerSocket listener,
            int uploadLength,
            byte[] download,
            CompletableFuture<byte[]> received,
            CountDownLatch finished) {
        try (Socket peer = listener.accept()) {
            peer.setSoTimeout(20_000);
            InputStream in = peer.getInputStream();
            received.complete(in.readNBytes(uploadLength));
            peer.getOutputStream().write(download);
            peer.getOutputStream().flush();
            finished.await(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            received.completeExceptionally(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
