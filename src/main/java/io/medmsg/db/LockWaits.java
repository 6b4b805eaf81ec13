package io.medmsg.db;

/**
 * How a group-commit batch's transaction makes its lock waits fail, and lets them wait again
 * ({@link BatchRunner}). The statements are the {@link Dialect}'s; {@link Database} runs them.
 */
interface LockWaits {

    /** Nothing to set: for tests of the batching alone, where no other process takes locks. */
    LockWaits NONE = new LockWaits() {
        @Override
        public boolean failFromTheStart() {
            return false;
        }

        @Override
        public void fail() {
        }

        @Override
        public void allow() {
        }
    };

    /**
     * Whether every transaction of the writer begins with lock waits failing: its connection is
     * its own and was opened so ({@link Dialect#writerConnectionInit}).
     */
    boolean failFromTheStart();

    /** For the rest of the transaction, lock waits fail (nearly) at once. */
    void fail();

    /** For the rest of the transaction, lock waits wait as the database is configured to. */
    void allow();
}
