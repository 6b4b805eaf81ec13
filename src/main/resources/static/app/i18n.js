// Labels in Chinese and English. The server's error messages (the envelope's `msg`) are English
// sentences; they are shown as they are, after a translated lead-in.

const STRINGS = {
    zh: {
        'app.name': 'MedMsg 医患消息',
        'app.tagline': '互联网医院消息中心',
        'lang.switch': 'English',
        'role.patient': '患者',
        'role.doctor': '医生',
        'signin.title': '登录',
        'signin.as': '身份',
        'signin.demo': '演示模式',
        'signin.demoHint': '演示模式：任选身份，向本服务申请一个测试令牌。',
        'signin.demoOff': '本服务未开启演示模式，请粘贴医院身份系统签发的令牌。',
        'signin.patientId': '患者编号',
        'signin.patientName': '姓名',
        'signin.doctor': '医生',
        'signin.loadingDoctors': '正在读取医生名录…',
        'signin.submit': '进入',
        'signin.or': '或',
        'signin.token': '使用令牌登录',
        'signin.tokenHint': '粘贴医院身份系统签发的 JWT（仅保存在本标签页中）',
        'signin.tokenSubmit': '用令牌登录',
        'signin.badToken': '这不是一个可读的 JWT。',
        'signin.badRole': '此客户端仅供患者和医生使用（令牌中的 role 为 {role}）。',
        'signin.expired': '登录已过期，请重新登录。',
        'topbar.signout': '退出',
        'live.sse': '实时',
        'live.poll': '轮询',
        'live.connecting': '连接中',
        'live.offline': '已断开，重连中',
        'tab.doctors': '找医生',
        'tab.sessions': '我的问诊',
        'tab.doctorSessions': '问诊列表',
        'dir.search': '搜索医生、科室、医院、擅长',
        'dir.searchButton': '搜索',
        'dir.allDepts': '全部科室',
        'dir.total': '共 {n} 位医生',
        'dir.page': '第 {page} / {pages} 页',
        'dir.prev': '上一页',
        'dir.next': '下一页',
        'dir.none': '没有找到符合条件的医生。',
        'dir.consult': '咨询',
        'dir.notAccepting': '暂停接诊',
        'list.empty.patient': '还没有问诊。在“找医生”中选择一位医生开始咨询。',
        'list.empty.doctor': '还没有问诊。患者发来消息后，会话会立即出现在这里。',
        'list.more': '加载更多',
        'list.delete': '删除',
        'list.confirmDelete': '确认删除',
        'list.cancel': '取消',
        'list.deleted': '已从列表中删除（对方仍可看到全部记录）。',
        'list.me': '我：',
        'preview.image': '[图片]',
        'preview.voice': '[语音]',
        'preview.video': '[视频]',
        'preview.file': '[文件] {name}',
        'preview.recalled': '[消息已撤回]',
        'chat.placeholder': '选择一个问诊，或从名录中选择医生。',
        'chat.back': '返回',
        'chat.earlier': '查看更早的消息',
        'chat.loading': '加载中…',
        'chat.start': '向{name}描述您的情况，医生会在这里回复。',
        'chat.notAccepting': '该医生暂停接诊新的问诊。',
        'chat.input': '输入消息，Enter 发送，Shift+Enter 换行',
        'chat.inputShort': '输入消息',
        'chat.send': '发送',
        'chat.attach': '发送图片或文件',
        'chat.sending': '发送中',
        'chat.uploading': '上传中 {pct}%',
        'chat.failed': '发送失败',
        'chat.retry': '重试',
        'chat.discard': '放弃',
        'chat.read': '已读',
        'chat.unread': '未读',
        'chat.recall': '撤回',
        'chat.youRecalled': '你撤回了一条消息',
        'chat.peerRecalled': '{name}撤回了一条消息',
        'chat.download': '下载',
        'chat.linkExpired': '链接已过期，重新打开会话即可刷新',
        'chat.imageFailed': '图片无法显示（链接可能已过期，重新打开会话即可刷新；或点此打开）',
        'chat.system': '系统消息',
        'error.network': '无法连接服务器，请检查网络。',
        'error.prefix': '出错了：',
        'error.send': '发送失败：',
        'error.load': '读取失败：',
        'error.recall': '撤回失败：',
        'error.delete': '删除失败：',
        'error.upload': '上传失败：',
        'error.signin': '登录失败：',
        'error.emptyFile': '文件是空的。',
        'dismiss': '关闭',
        'unit.B': '字节',
    },
    en: {
        'app.name': 'MedMsg',
        'app.tagline': 'Message center for internet hospitals',
        'lang.switch': '中文',
        'role.patient': 'Patient',
        'role.doctor': 'Doctor',
        'signin.title': 'Sign in',
        'signin.as': 'I am a',
        'signin.demo': 'Demo mode',
        'signin.demoHint': 'Demo mode: pick a role and get a test token from this server.',
        'signin.demoOff': 'Demo mode is off on this server: paste a token issued by your identity system.',
        'signin.patientId': 'Patient id',
        'signin.patientName': 'Name',
        'signin.doctor': 'Doctor',
        'signin.loadingDoctors': 'Reading the doctor directory…',
        'signin.submit': 'Enter',
        'signin.or': 'or',
        'signin.token': 'Sign in with a token',
        'signin.tokenHint': 'Paste a JWT issued by the hospital\'s identity system (kept in this tab only)',
        'signin.tokenSubmit': 'Sign in with token',
        'signin.badToken': 'This is not a readable JWT.',
        'signin.badRole': 'This client is for patients and doctors (the token\'s role is {role}).',
        'signin.expired': 'Your sign-in has expired. Please sign in again.',
        'topbar.signout': 'Sign out',
        'live.sse': 'Live',
        'live.poll': 'Polling',
        'live.connecting': 'Connecting',
        'live.offline': 'Offline, reconnecting',
        'tab.doctors': 'Find a doctor',
        'tab.sessions': 'My consultations',
        'tab.doctorSessions': 'Consultations',
        'dir.search': 'Search doctor, department, hospital, speciality',
        'dir.searchButton': 'Search',
        'dir.allDepts': 'All departments',
        'dir.total': '{n} doctors',
        'dir.page': 'Page {page} of {pages}',
        'dir.prev': 'Previous',
        'dir.next': 'Next',
        'dir.none': 'No doctor matches.',
        'dir.consult': 'Consult',
        'dir.notAccepting': 'Not accepting',
        'list.empty.patient': 'No consultations yet. Choose a doctor under "Find a doctor" to start one.',
        'list.empty.doctor': 'No consultations yet. They appear here as soon as a patient writes.',
        'list.more': 'Load more',
        'list.delete': 'Delete',
        'list.confirmDelete': 'Delete it',
        'list.cancel': 'Cancel',
        'list.deleted': 'Removed from your list (the other party still sees the whole record).',
        'list.me': 'Me: ',
        'preview.image': '[Picture]',
        'preview.voice': '[Voice]',
        'preview.video': '[Video]',
        'preview.file': '[File] {name}',
        'preview.recalled': '[Message recalled]',
        'chat.placeholder': 'Choose a consultation, or pick a doctor from the directory.',
        'chat.back': 'Back',
        'chat.earlier': 'Load earlier messages',
        'chat.loading': 'Loading…',
        'chat.start': 'Describe your situation to {name}; the answer appears here.',
        'chat.notAccepting': 'This doctor is not accepting new consultations.',
        'chat.input': 'Write a message. Enter sends, Shift+Enter adds a line',
        'chat.inputShort': 'Write a message',
        'chat.send': 'Send',
        'chat.attach': 'Send a picture or file',
        'chat.sending': 'Sending',
        'chat.uploading': 'Uploading {pct}%',
        'chat.failed': 'Not sent',
        'chat.retry': 'Retry',
        'chat.discard': 'Discard',
        'chat.read': 'Read',
        'chat.unread': 'Unread',
        'chat.recall': 'Recall',
        'chat.youRecalled': 'You recalled a message',
        'chat.peerRecalled': '{name} recalled a message',
        'chat.download': 'Download',
        'chat.linkExpired': 'The link has expired; reopen the consultation to refresh it',
        'chat.imageFailed': 'the picture cannot be shown (the link may have expired: reopen the consultation; or click to open it)',
        'chat.system': 'System message',
        'error.network': 'Cannot reach the server. Check the network connection.',
        'error.prefix': 'Error: ',
        'error.send': 'Not sent: ',
        'error.load': 'Could not load: ',
        'error.recall': 'Could not recall: ',
        'error.delete': 'Could not delete: ',
        'error.upload': 'Upload failed: ',
        'error.signin': 'Could not sign in: ',
        'error.emptyFile': 'The file is empty.',
        'dismiss': 'Dismiss',
        'unit.B': 'B',
    },
};

const STORAGE_KEY = 'medmsg.lang';
const listeners = new Set();

function initialLang() {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'zh' || saved === 'en') {
        return saved;
    }
    return (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

let lang = initialLang();

export function currentLang() {
    return lang;
}

export function setLang(next) {
    lang = next === 'en' ? 'en' : 'zh';
    localStorage.setItem(STORAGE_KEY, lang);
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    listeners.forEach(fn => fn(lang));
}

export function onLangChange(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
}

/** The label for `key`, with `{name}` placeholders filled from `params`. */
export function t(key, params = {}) {
    const text = STRINGS[lang][key] ?? STRINGS.en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
