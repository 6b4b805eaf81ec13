/**
 * Moderation (API.md §5): the word list and the optional before-send callback that a text or card
 * passes before it is appended. {@code chat} asks it; system messages never do.
 */
@ApplicationModule(displayName = "moderation", allowedDependencies = {"events", "web"})
package io.medmsg.moderation;

import org.springframework.modulith.ApplicationModule;
