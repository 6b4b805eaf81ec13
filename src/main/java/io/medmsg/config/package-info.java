/**
 * Typed settings ({@code medmsg.*}) checked at start-up, the profile guard, and secrets kept in files.
 * Depends on nothing of MedMsg.
 */
@ApplicationModule(displayName = "config", allowedDependencies = {})
package io.medmsg.config;

import org.springframework.modulith.ApplicationModule;
