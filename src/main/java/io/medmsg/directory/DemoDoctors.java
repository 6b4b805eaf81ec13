package io.medmsg.directory;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Demo mode: a small directory to consult, so that the service can be tried at once. Always a bean,
 * demo mode decided at run time: Spring AOT (./medmsg) fixes bean conditions when the jar is built.
 */
@Component
class DemoDoctors {

    private static final Logger log = LoggerFactory.getLogger(DemoDoctors.class);

    static final List<Doctor> DOCTORS = List.of(
            doctor("d1001", "王建国", "主任医师", "内科", "协和互联网医院", "从事心血管内科临床工作二十余年，擅长高血压、冠心病的诊治与长期管理。"),
            doctor("d1002", "李秀英", "副主任医师", "内科", "华山互联网医院", "擅长糖尿病、甲状腺疾病等内分泌代谢病的规范诊疗。"),
            doctor("d1003", "张伟", "主治医师", "内科", "协和互联网医院", "擅长慢性胃炎、消化性溃疡及幽门螺杆菌感染的治疗。"),
            doctor("d2001", "刘芳", "主任医师", "儿科", "儿童医学中心互联网医院", "擅长小儿呼吸道感染、哮喘及过敏性疾病。"),
            doctor("d2002", "陈晨", "主治医师", "儿科", "儿童医学中心互联网医院", "擅长新生儿黄疸、婴幼儿喂养与生长发育评估。"),
            doctor("d2003", "杨静", "副主任医师", "儿科", "华山互联网医院", "擅长儿童腹泻、便秘等消化系统常见病。"),
            doctor("d3001", "赵敏", "主任医师", "皮肤科", "华山互联网医院", "擅长湿疹、荨麻疹、银屑病等炎症性皮肤病。"),
            doctor("d3002", "黄磊", "主治医师", "皮肤科", "协和互联网医院", "擅长痤疮、脱发及皮肤真菌感染的诊治。"),
            doctor("d4001", "周丽华", "主任医师", "妇产科", "妇幼保健互联网医院", "擅长高危妊娠管理、产前检查与孕期咨询。"),
            doctor("d4002", "吴婷", "副主任医师", "妇产科", "妇幼保健互联网医院", "擅长月经不调、多囊卵巢综合征及更年期保健。"),
            doctor("d5001", "孙志强", "副主任医师", "骨科", "协和互联网医院", "擅长颈肩腰腿痛、运动损伤的保守治疗与康复指导。"),
            new Doctor("d6001", "郑红", "主治医师", "眼科", "华山互联网医院", null,
                    "擅长近视防控、干眼症及结膜炎的诊治（休诊中）。", false));

    private final DoctorDirectory directory;
    private final boolean enabled;

    DemoDoctors(DoctorDirectory directory, Environment environment) {
        this.directory = directory;
        // medmsg.demo.enabled as config.MedMsgProperties reads it (this module does not depend on config)
        this.enabled = environment.getProperty("medmsg.demo.enabled", Boolean.class, true);
    }

    @EventListener(ApplicationReadyEvent.class)
    void seed() {
        if (!enabled) {
            return;
        }
        int added = directory.seed(DOCTORS);
        log.info("Demo mode is on: {} demo doctors added to the directory; POST /demo/token mints test tokens", added);
    }

    private static Doctor doctor(String id, String name, String title, String dept, String hospital, String intro) {
        return new Doctor(id, name, title, dept, hospital, null, intro, true);
    }
}
