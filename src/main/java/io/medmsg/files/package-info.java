/**
 * Uploads and downloads: upload slots, verification of what was uploaded, local or S3 storage,
 * signed links, cleanup of abandoned files. Chat links a ready file into a message through
 * {@code FileService}.
 */
@ApplicationModule(displayName = "files", allowedDependencies = {"auth", "config", "db", "records", "web", "shared"})
package io.medmsg.files;

import org.springframework.modulith.ApplicationModule;
