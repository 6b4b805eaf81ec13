/**
 * Wake-ups: {@code ChangeHub} holds the marks and waiters of long-polls and event streams on
 * this instance; {@code ChangeRelay} carries committed changes to the other instances over
 * PostgreSQL LISTEN/NOTIFY or Redis pub/sub. Listens to {@code SessionChanged}; knows no messages.
 */
@ApplicationModule(displayName = "realtime", allowedDependencies = {"db", "shared"})
package io.medmsg.realtime;

import org.springframework.modulith.ApplicationModule;
