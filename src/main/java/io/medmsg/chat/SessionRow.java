package io.medmsg.chat;

import java.sql.ResultSet;
import java.sql.SQLException;

/** A session joined with its doctor and its last message, as the list queries return it. */
record SessionRow(StoredSession session, DoctorSummary doctor, StoredMessage last) {

    static final String SELECT_LIST = """
            s.session_id, s.patient_id, s.patient_name, s.doctor_id, s.last_seq, s.created_at, s.updated_at,
            s.patient_read_seq, s.doctor_read_seq, s.patient_deleted_seq, s.doctor_deleted_seq,
            s.patient_change_seq, s.doctor_change_seq,
            d.name AS d_name, d.title AS d_title, d.dept AS d_dept, d.hospital AS d_hospital,
            d.avatar_url AS d_avatar_url, d.accepting AS d_accepting,
            m.msg_id AS m_msg_id, m.session_id AS m_session_id, m.seq AS m_seq, m.sender_role AS m_sender_role,
            m.sender_id AS m_sender_id, m.msg_type AS m_msg_type, m.text AS m_text, m.file_id AS m_file_id,
            m.file_name AS m_file_name, m.mime_type AS m_mime_type, m.file_size AS m_file_size,
            m.recalled_msg_id AS m_recalled_msg_id, m.recalled AS m_recalled, m.client_msg_id AS m_client_msg_id,
            m.created_at AS m_created_at""";

    static SessionRow map(ResultSet rs, int row) throws SQLException {
        StoredSession session = StoredSession.map(rs, row);
        DoctorSummary doctor = new DoctorSummary(session.doctorId(), rs.getString("d_name"), rs.getString("d_title"),
                rs.getString("d_dept"), rs.getString("d_hospital"), rs.getString("d_avatar_url"),
                rs.getInt("d_accepting") != 0);
        return new SessionRow(session, doctor, StoredMessage.read(rs, "m_"));
    }
}
