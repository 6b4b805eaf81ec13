package io.medmsg.directory;

/** A doctor of the directory, as API.md section 2 names its fields. */
public record Doctor(String doctorId, String name, String title, String dept, String hospital, String avatarUrl,
        String intro, Boolean accepting) {

    public boolean isAccepting() {
        return accepting == null || accepting;
    }
}
