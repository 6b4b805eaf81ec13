/**
 * The database seam: the data source and Flyway per database, {@code Dialect} (everything that
 * differs between SQLite, PostgreSQL and MySQL/MariaDB), the group commit that makes writes
 * durable in batches, statement caching and counting, server secrets.
 */
@ApplicationModule(displayName = "db", allowedDependencies = {"config", "shared"})
package io.medmsg.db;

import org.springframework.modulith.ApplicationModule;
