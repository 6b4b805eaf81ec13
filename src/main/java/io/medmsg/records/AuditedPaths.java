package io.medmsg.records;

/**
 * Which requests leave an audit record and under which action name: everything under
 * {@code /msg_service/msg/} (the patient and doctor faces, admin, audit), the signed file links
 * under {@code /files/}, and the admin's doctor upsert. The action is the path without its face,
 * so that one filter finds a patient's and a doctor's {@code msg_list} alike.
 */
final class AuditedPaths {

    static final String MSG = "/msg_service/msg/";
    static final String FILES = "/files/";
    static final String DOCTORS = "/pati_service/manager_service/doctors";

    private AuditedPaths() {
    }

    static boolean audited(String uri) {
        return uri.startsWith(MSG) || uri.startsWith(FILES) || uri.equals(DOCTORS);
    }

    static String action(String uri) {
        if (uri.startsWith(MSG)) {
            String rest = uri.substring(MSG.length());
            int slash = rest.indexOf('/');
            if (slash > 0) {
                String face = rest.substring(0, slash);
                if (face.equals("patient") || face.equals("doctor") || face.equals("admin") || face.equals("audit")) {
                    return rest.substring(slash + 1);
                }
            }
            return rest;
        }
        if (uri.startsWith(FILES + "upload/")) {
            return "file/upload";
        }
        if (uri.startsWith(FILES + "download/")) {
            return "file/download";
        }
        if (uri.equals(DOCTORS)) {
            return "doctors";
        }
        return uri;
    }

    /** The file id of a signed file link, else null. */
    static String fileIdOf(String uri) {
        if (!uri.startsWith(FILES)) {
            return null;
        }
        int last = uri.lastIndexOf('/');
        return last >= 0 && last < uri.length() - 1 ? uri.substring(last + 1) : null;
    }
}
