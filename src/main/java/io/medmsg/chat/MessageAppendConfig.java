package io.medmsg.chat;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.medmsg.db.Database;

/**
 * The one place where chat's writes depend on the database: where a statement may modify data
 * inside WITH (PostgreSQL), a message's writes go in one statement; where several statements may
 * go as one (MySQL/MariaDB), in one script, or with the batch's others; else step by step. Decided
 * once, at start-up, from what the {@link io.medmsg.db.Dialect} says the database can do.
 */
@Configuration(proxyBeanMethods = false)
class MessageAppendConfig {

    @Bean
    MessageAppend messageAppend(Database db, SessionLog log, MessageRepository messages) {
        if (db.dialect().modifiesInWith()) {
            return new OneTripAppend(db);
        }
        return db.dialect().runsScripts() ? new ScriptedAppend(db, log) : new StepByStepAppend(log, messages);
    }
}
