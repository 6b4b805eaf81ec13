/**
 * Sessions and messages (API.md §3 Sending, Reading, Changing state, Push): the one place that appends ({@code ChatService}), reads,
 * long-poll, event streams, recall and read pointers. Publishes
 * {@code SessionChanged} after each commit.
 */
@ApplicationModule(displayName = "chat",
        allowedDependencies = {"auth", "config", "db", "directory", "events", "files", "moderation", "realtime", "records", "web", "shared"})
package io.medmsg.chat;

import org.springframework.modulith.ApplicationModule;
