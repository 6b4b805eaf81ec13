package io.medmsg.realtime;

import java.time.Duration;
import java.util.List;

/** A broadcast channel between the instances sharing one database: PostgreSQL NOTIFY or Redis pub/sub. */
interface ChangeChannel extends AutoCloseable {

    /** The largest payload one message may carry (PostgreSQL: just under 8000 bytes). */
    int MAX_PAYLOAD_BYTES = 7900;

    /** Sends the payloads to every listening instance, this one included. */
    void publish(List<String> payloads) throws Exception;

    /** Starts listening in the background; returns once the first subscription is active. */
    void listen(Receiver receiver, Duration timeout) throws Exception;

    /** What and where, for the log. */
    String describe();

    @Override
    void close();

    /** What the channel reports. Called from the channel's own thread. */
    interface Receiver {

        void received(String payload);

        /** The subscription is (again) active: from now on nothing is missed. */
        void connected();

        /** The subscription is lost: until {@link #connected()}, changes of other instances may be missed. */
        void disconnected(String reason);
    }
}
