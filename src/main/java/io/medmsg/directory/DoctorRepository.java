package io.medmsg.directory;

import java.sql.ResultSet;
import java.sql.SQLException;
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

    // The filters a page may have; each is ANDed in only when the query asks for it.
    private static final String BY_DEPT = "dept = :dept";

    private static final String BY_ACCEPTING = "accepting = :accepting";

    private static final String BY_KEYWORD = """
            (LOWER(name) LIKE :kw ESCAPE '!' OR LOWER(dept) LIKE :kw ESCAPE '!' OR LOWER(hospital) LIKE :kw ESCAPE '!'
             OR LOWER(title) LIKE :kw ESCAPE '!' OR LOWER(intro) LIKE :kw ESCAPE '!')""";

    private static final int DEPT = 1;
    private static final int ACCEPTING = 2;
    private static final int KEYWORD = 4;

    // Three optional filters make eight statements of each kind: written out they would be sixteen
    // near-copies, so they are built once, when the class loads, from the named parts above, and
    // indexed by the filters used (DEPT | ACCEPTING | KEYWORD). No statement is put together per
    // request: what runs is one of these.
    private static final String[] COUNT = new String[8];
    private static final String[] PAGE = new String[8];

    static {
        for (int filters = 0; filters < 8; filters++) {
            String where = "1 = 1" + ((filters & DEPT) != 0 ? " AND " + BY_DEPT : "")
                    + ((filters & ACCEPTING) != 0 ? " AND " + BY_ACCEPTING : "")
                    + ((filters & KEYWORD) != 0 ? " AND " + BY_KEYWORD : "");
            COUNT[filters] = "SELECT COUNT(*) FROM doctors WHERE " + where;
            PAGE[filters] = "SELECT doctor_id, name, title, dept, hospital, avatar_url, intro, accepting FROM doctors WHERE "
                    + where + " ORDER BY doctor_id LIMIT :limit OFFSET :offset";
        }
    }

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
        int filters = 0;
        if (query.dept() != null) {
            filters |= DEPT;
            params.put("dept", query.dept());
        }
        if (query.accepting() != null) {
            filters |= ACCEPTING;
            params.put("accepting", query.accepting() ? 1 : 0);
        }
        if (query.keyword() != null) {
            filters |= KEYWORD;
            params.put("kw", "%" + escapeLike(query.keyword().toLowerCase(Locale.ROOT)) + "%");
        }
        long total = db.read().sql(COUNT[filters]).params(params).query(Long.class).single();
        params.put("limit", query.pageSize());
        params.put("offset", (long) (query.page() - 1) * query.pageSize());
        List<Doctor> list = db.read().sql(PAGE[filters]).params(params).query(DoctorRepository::map).list();
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
