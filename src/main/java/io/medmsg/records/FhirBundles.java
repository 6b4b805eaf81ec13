package io.medmsg.records;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.UUID;

import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

import ca.uhn.fhir.context.FhirContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.medmsg.records.ConsultationSource.Exported;
import io.medmsg.records.ConsultationSource.Message;

/**
 * A consultation as a FHIR R4 {@code Bundle} of type collection (API.md §6; the mapping table is
 * in docs/records.md), built and serialised with HAPI FHIR's R4 structures. Resources reference
 * each other by their entries' {@code urn:uuid:} full URLs, derived from MedMsg's ids, so the same
 * consultation always exports to the same references.
 */
@Component
class FhirBundles {

    static final String SYSTEM_PATIENT = "urn:medmsg:patient-id";
    static final String SYSTEM_DOCTOR = "urn:medmsg:doctor-id";
    static final String SYSTEM_CONSULTATION = "urn:medmsg:consultation-id";
    static final String SYSTEM_MESSAGE = "urn:medmsg:msg-id";
    /** The card JSON of a card message, and the event JSON of a system message, kept as they were sent. */
    static final String CARD_EXTENSION = "urn:medmsg:fhir:extension:card";
    static final String EVENT_EXTENSION = "urn:medmsg:fhir:extension:event";
    static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    /** Building the context scans the R4 model once (a second or so): only when the first export asks. */
    private volatile FhirContext fhir;
    private final JsonMapper json;

    FhirBundles(JsonMapper json) {
        this.json = json;
    }

    String json(Exported c, long now) {
        return context().newJsonParser().encodeResourceToString(bundle(c, now));
    }

    private FhirContext context() {
        FhirContext f = fhir;
        if (f == null) {
            synchronized (this) {
                if (fhir == null) {
                    fhir = FhirContext.forR4();
                }
                f = fhir;
            }
        }
        return f;
    }

    Bundle bundle(Exported c, long now) {
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.COLLECTION);
        bundle.setTimestamp(new Date(now));
        bundle.setIdentifier(new Identifier().setSystem(SYSTEM_CONSULTATION).setValue(c.consultationId()));

        Patient patient = new Patient();
        patient.addIdentifier().setSystem(SYSTEM_PATIENT).setValue(c.patientId());
        if (c.patientName() != null) {
            patient.addName(new HumanName().setText(c.patientName()));
        }
        String patientUrl = add(bundle, patient, "patient:" + c.patientId());

        Practitioner doctor = new Practitioner();
        doctor.addIdentifier().setSystem(SYSTEM_DOCTOR).setValue(c.doctorId());
        if (c.doctorName() != null) {
            doctor.addName(new HumanName().setText(c.doctorName()));
        }
        String doctorUrl = add(bundle, doctor, "doctor:" + c.doctorId());

        Encounter encounter = new Encounter();
        encounter.addIdentifier().setSystem(SYSTEM_CONSULTATION).setValue(c.consultationId());
        encounter.setStatus(encounterStatus(c.status()));
        encounter.setClass_(new Coding(ACT_CODE, "VR", "virtual"));
        encounter.setSubject(new Reference(patientUrl));
        encounter.addParticipant().setIndividual(new Reference(doctorUrl));
        Period period = new Period().setStart(new Date(c.openedAt()));
        if (c.closedAt() != null) {
            period.setEnd(new Date(c.closedAt()));
        }
        encounter.setPeriod(period);
        String encounterUrl = add(bundle, encounter, "consultation:" + c.consultationId());

        for (Message m : c.messages()) {
            Communication comm = new Communication();
            comm.addIdentifier().setSystem(SYSTEM_MESSAGE).setValue(m.msgId());
            comm.setStatus(m.recalled() ? Communication.CommunicationStatus.ENTEREDINERROR
                    : Communication.CommunicationStatus.COMPLETED);
            comm.setSubject(new Reference(patientUrl));
            comm.setEncounter(new Reference(encounterUrl));
            comm.setSent(new Date(m.createdAt()));
            switch (m.senderRole()) {
                case "patient" -> {
                    comm.setSender(new Reference(patientUrl));
                    comm.addRecipient(new Reference(doctorUrl));
                }
                case "doctor" -> {
                    comm.setSender(new Reference(doctorUrl));
                    comm.addRecipient(new Reference(patientUrl));
                }
                default -> {
                    // the hospital's back end or MedMsg itself: no sender resource, both parties receive it
                    comm.addRecipient(new Reference(patientUrl));
                    comm.addRecipient(new Reference(doctorUrl));
                }
            }
            payload(comm, m);
            add(bundle, comm, "message:" + m.msgId());
        }
        return bundle;
    }

    private void payload(Communication comm, Message m) {
        Communication.CommunicationPayloadComponent payload = comm.addPayload();
        if (m.attachment() != null) {
            ConsultationSource.Attachment a = m.attachment();
            Attachment attachment = new Attachment().setContentType(a.mimeType()).setTitle(a.fileName()).setUrl(a.url());
            attachment.setSize((int) Math.min(Integer.MAX_VALUE, a.size()));
            payload.setContent(attachment);
        } else if (m.card() != null) {
            payload.setContent(new StringType(cardText(m.card())));
            payload.addExtension(new Extension(CARD_EXTENSION, new StringType(m.card())));
        } else if (m.text() != null) {
            payload.setContent(new StringType(m.text()));
        } else if (m.event() != null) {
            payload.setContent(new StringType(eventText(m.event())));
            payload.addExtension(new Extension(EVENT_EXTENSION, new StringType(m.event())));
        } else if (m.recalledMsgId() != null) {
            payload.setContent(new StringType("recalled message " + m.recalledMsgId()));
        } else {
            payload.setContent(new StringType(m.type()));
        }
    }

    /** A card as text: its title and body (API.md §4), each when present. */
    private String cardText(String card) {
        JsonNode node = json.readTree(card);
        StringBuilder text = new StringBuilder();
        for (String field : new String[] {"title", "body"}) {
            JsonNode value = node.get(field);
            if (value != null && value.isString() && !value.asString().isBlank()) {
                if (!text.isEmpty()) {
                    text.append('\n');
                }
                text.append(value.asString());
            }
        }
        return text.isEmpty() ? "card" : text.toString();
    }

    private String eventText(String event) {
        JsonNode type = json.readTree(event).get("type");
        return type != null && type.isString() ? type.asString() : "system event";
    }

    static Encounter.EncounterStatus encounterStatus(String status) {
        return switch (status) {
            case "waiting" -> Encounter.EncounterStatus.PLANNED;
            case "active" -> Encounter.EncounterStatus.INPROGRESS;
            case "closed" -> Encounter.EncounterStatus.FINISHED;
            case "cancelled", "expired" -> Encounter.EncounterStatus.CANCELLED;
            default -> Encounter.EncounterStatus.UNKNOWN;
        };
    }

    /** Adds the resource with a full URL derived from {@code key}; returns that URL for references. */
    private static String add(Bundle bundle, Resource resource, String key) {
        String url = "urn:uuid:" + UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8));
        bundle.addEntry().setFullUrl(url).setResource(resource);
        return url;
    }
}
