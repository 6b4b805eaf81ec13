package io.medmsg.directory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient.StatementSpec;
import org.springframework.stereotype.Repository;

import io.medmsg.db.Database;

@Repository
class DoctorRepository {

    private static final String FIND_BY_ID = """
            SELECT doctor_id, name, title, dept, hospital, avatar_url, intro, accepting
            FROM doctors WHERE doctor_id = :id""";

    private static final String COUNT = "SELECT COUNT(*) FROM doctors WHERE %s";

    private static final String PAGE = """
            SELECT doctor_id, name, title, dept, hospital, avatar_url, intro, accepting
            FROM doctors WHERE %s ORDER BY doctor_id LIMIT :limit OFFSET :offset""";

    private static final String KEYWORD = """
            (LOWER(name) LIKE :kw ESCAPE '!' OR LOWER(dept) LIKE :kw ESCAPE '!' OR LOWER(hospital) LIKE :kw ESCAPE '!'
             OR LOWER(title) LIKE :kw ESCAPE '!' OR LOWER(intro) LIKE :kw ESCAPE '!')""";

    private static final String INSERT = """
            INSERT INTO doctors (doctor_id, name, title, dept, hospital, avatar_url, intro, accepting, updated_at)
            VALUES (:doctorId, :name, :title, :dept, :hospital, :avatarUrl, :intro, :accepting, :updatedAt)""";

    private final Database db;
    private final String upsert;
    private final String insertIfAbsent;

    DoctorRepository(Database db) {
        this.db = db;
        this.upsert = db.dialect().upsert(INSERT, "doctor_id",
                "name", "title", "dept", "hospital", "avatar_url", "intro", "accepting", "updated_at");
        this.insertIfAbsent = db.dialect().insertIfAbsent(INSERT);
    }

    Optional<Doctor> find(String doctorId) {
        return db.read().sql(FIND_BY_ID).param("id", doctorId).query(DoctorRepository::map).optional();
    }

    DoctorPage page(DoctorQuery query) {
        Map<String, Object> params = new HashMap<>();
        List<String> where = new ArrayList<>();
        where.add("1 = 1");
        if (query.dept() != null) {
            where.add("dept = :dept");
            params.put("dept", query.dept());
        }
        if (query.accepting() != null) {
            where.add("accepting = :accepting");
            params.put("accepting", query.accepting() ? 1 : 0);
        }
        if (query.keyword() != null) {
            where.add(KEYWORD);
            params.put("kw", "%" + escapeLike(query.keyword().toLowerCase(Locale.ROOT)) + "%");
        }
        String condition = String.join(" AND ", where);
        long total = db.read().sql(COUNT.formatted(condition)).params(params).query(Long.class).single();
        params.put("limit", query.pageSize());
        params.put("offset", (long) (query.page() - 1) * query.pageSize());
        List<Doctor> list = db.read().sql(PAGE.formatted(condition)).params(params).query(DoctorRepository::map).list();
        return new DoctorPage(total, query.page(), query.pageSize(), list);
    }

    void upsert(Doctor doctor, long now) {
        bind(db.write().sql(upsert), doctor, now).update();
    }

    boolean insertIfAbsent(Doctor doctor, long now) {
        return bind(db.write().sql(insertIfAbsent), doctor, now).update() > 0;
    }

    private static StatementSpec bind(StatementSpec spec, Doctor d, long now) {
        return spec.param("doctorId", d.doctorId()).param("name", d.name()).param("title", d.title())
                .param("dept", d.dept()).param("hospital", d.hospital()).param("avatarUrl", d.avatarUrl())
                .param("intro", d.intro()).param("accepting", d.isAccepting() ? 1 : 0).param("updatedAt", now);
    }

    static String escapeLike(String s) {
        return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    static Doctor map(ResultSet rs, int row) throws SQLException {
        return new Doctor(rs.getString("doctor_id"), rs.getString("name"), rs.getString("title"), rs.getString("dept"),
                rs.getString("hospital"), rs.getString("avatar_url"), rs.getString("intro"), rs.getInt("accepting") != 0);
    }
}
