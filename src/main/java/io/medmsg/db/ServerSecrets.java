package io.medmsg.db;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.springframework.stereotype.Component;

/**
 * Random secrets generated once and kept in the database, so that every instance sharing the
 * database signs and checks the same way (a cursor issued by one instance is good on another).
 */
@Component
public class ServerSecrets {

    private static final String INSERT = "INSERT INTO server_secrets (name, value) VALUES (:name, :value)";
    private static final String SELECT = "SELECT value FROM server_secrets WHERE name = :name";

    private final Database db;
    private final ConcurrentMap<String, byte[]> cache = new ConcurrentHashMap<>();

    ServerSecrets(Database db) {
        this.db = db;
    }

    public byte[] get(String name) {
        return cache.computeIfAbsent(name, this::loadOrCreate);
    }

    private byte[] loadOrCreate(String name) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String candidate = Base64.getEncoder().encodeToString(random);
        String stored = db.inTransaction(() -> {
            db.write().sql(db.dialect().insertIfAbsent(INSERT)).param("name", name).param("value", candidate).update();
            return db.write().sql(SELECT).param("name", name).query(String.class).single();
        });
        return Base64.getDecoder().decode(stored);
    }
}
