package io.medmsg.directory;

import java.util.List;

record DoctorPage(long total, int page, int pageSize, List<Doctor> list) {
}
