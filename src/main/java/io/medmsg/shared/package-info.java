/**
 * Infrastructure every module may use and that belongs to none of them: the Redis connection
 * shared by the instances, the clock, opaque ids, and {@code Side} (the two parties of a session,
 * by which columns, wake-up keys and rate buckets are named). Depends on nothing of MedMsg.
 */
@ApplicationModule(displayName = "shared", allowedDependencies = {})
package io.medmsg.shared;

import org.springframework.modulith.ApplicationModule;
