package io.medmsg.directory;

/** The filters of doctor_list; null means "not filtered". */
record DoctorQuery(String dept, String keyword, Boolean accepting, int page, int pageSize) {
}
