package io.medmsg.chat;

import java.sql.ResultSet;
import java.sql.SQLException;

/** A session joined with its doctor, its last message and its current or latest consultation. */
record SessionRow(StoredSession session, DoctorSummary doctor, StoredMessage last, StoredConsultation consultation) {

    static final String SELECT_LIST = """
            s.session_id, s.patient_id, s.patient_name, s.doctor_id, s.last_seq, s.created_at, s.updated_at,
            s.patient_read_seq, s.doctor_read_seq, s.patient_deleted_seq, s.doctor_deleted_seq,
            s.patient_change_seq, s.doctor_change_seq,
            s.c_id, s.c_status, s.c_rounds_used, s.c_rounds_limit, s.c_due_at, s.c_closed_at,
            d.name AS d_name, d.title AS d_title, d.dept AS d_dept, d.hospital AS d_hospital,
            d.avatar_url AS d_avatar_url, d.accepting AS d_accepting,
            m.msg_id AS m_msg_id, m.session_id AS m_session_id, m.seq AS m_seq, m.sender_role AS m_sender_role,
            m.sender_id AS m_sender_id, m.msg_type AS m_msg_type, m.text AS m_text, m.file_id AS m_file_id,
            m.file_name AS m_file_name, m.mime_type AS m_mime_type, m.file_size AS m_file_size,
            m.recalled_msg_id AS m_recalled_msg_id, m.recalled AS m_recalled, m.client_msg_id AS m_client_msg_id,
            m.created_at AS m_created_at, m.consultation_id AS m_consultation_id, m.card AS m_card, m.event AS m_event,
            k.consultation_id AS k_consultation_id, k.session_id AS k_session_id, k.patient_id AS k_patient_id,
            k.doctor_id AS k_doctor_id, k.status AS k_status, k.order_no AS k_order_no, k.kind AS k_kind,
            k.rounds_limit AS k_rounds_limit,
            CASE WHEN s.c_status IS NOT NULL THEN s.c_rounds_used ELSE k.rounds_used END AS k_rounds_used,
            k.duration_ms AS k_duration_ms, k.accept_deadline AS k_accept_deadline, k.end_deadline AS k_end_deadline,
            k.opened_at AS k_opened_at, k.accepted_at AS k_accepted_at, k.closed_at AS k_closed_at,
            k.close_reason AS k_close_reason, k.first_seq AS k_first_seq, k.last_seq AS k_last_seq,
            k.request_digest AS k_request_digest""";

    /** The consultation the row's session shows: its current or latest one. */
    static final String JOIN_CONSULTATION = "LEFT JOIN consultations k ON k.consultation_id = s.c_id";

    static SessionRow map(ResultSet rs, int row) throws SQLException {
        StoredSession session = StoredSession.map(rs, row);
        DoctorSummary doctor = new DoctorSummary(session.doctorId(), rs.getString("d_name"), rs.getString("d_title"),
                rs.getString("d_dept"), rs.getString("d_hospital"), rs.getString("d_avatar_url"),
                rs.getInt("d_accepting") != 0);
        return new SessionRow(session, doctor, StoredMessage.read(rs, "m_"), StoredConsultation.read(rs, "k_"));
    }
}
