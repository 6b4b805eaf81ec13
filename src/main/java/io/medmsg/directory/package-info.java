/**
 * The doctor directory: listing and searching doctors, the admin upsert, demo doctors.
 */
@ApplicationModule(displayName = "directory", allowedDependencies = {"db", "web", "shared"})
package io.medmsg.directory;

import org.springframework.modulith.ApplicationModule;
