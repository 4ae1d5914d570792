//! Languages and the catalog of every text the UI shows. Chinese (simplified) is the default;
//! English is the other choice. Each entry carries both translations, so a missing one is a
//! compile error, not a blank on screen.

use serde::{Deserialize, Serialize};

use crate::problem::Problem;
use crate::role::{DataScope, Role};

/// A UI language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    /// The BCP 47 tag, as used in `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// Read a stored language tag; anything unknown falls back to Chinese.
    pub fn from_tag(tag: &str) -> Self {
        let lower = tag.trim().to_ascii_lowercase();
        if lower == "en" || lower.starts_with("en-") {
            Locale::En
        } else {
            Locale::ZhCn
        }
    }
}

macro_rules! catalog {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// A text of the UI.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Text { $($key),* }

        impl Text {
            pub const ALL: &'static [Text] = &[$(Text::$key),*];

            pub fn get(self, locale: Locale) -> &'static str {
                match (self, locale) {
                    $((Text::$key, Locale::ZhCn) => $zh, (Text::$key, Locale::En) => $en,)*
                }
            }
        }
    };
}

catalog! {
    AppName => "桥 CRM", "Qiao CRM";
    BrandMark => "桥", "桥";
    Loading => "加载中…", "Loading…";
    Working => "处理中…", "Working…";
    SkipToContent => "跳到主要内容", "Skip to content";
    MainNavigation => "主导航", "Main navigation";
    SwitchLanguage => "English", "中文";
    NavHome => "首页", "Home";
    NavSettings => "设置", "Settings";
    SignOut => "退出登录", "Sign out";
    SignIn => "登录", "Sign in";
    SignInTitle => "登录桥 CRM", "Sign in to Qiao";
    SignInIntro => "使用公司管理员为您创建的账号登录。", "Use the account your administrator created for you.";
    SetupTitle => "欢迎使用桥 CRM", "Welcome to Qiao";
    SetupIntro => "先创建公司和第一个管理员账号，之后即可添加团队和同事。", "Create your company and its first administrator; then add teams and colleagues.";
    CompanyName => "公司名称", "Company name";
    YourName => "您的姓名", "Your name";
    Email => "邮箱", "Email";
    Password => "密码", "Password";
    PasswordHint => "至少 8 个字符，不要用常见密码。", "At least 8 characters; avoid common passwords.";
    CreateAndSignIn => "创建并登录", "Create and sign in";
    TryAgain => "重试", "Try again";
    Hello => "您好，", "Hello, ";
    ChartTeamMembers => "各团队在职人数", "Active users per team";
    ActiveUsers => "在职人数", "Active users";
    NotFoundTitle => "页面不存在", "Page not found";
    NotFoundBody => "您访问的地址不存在。", "There is nothing at this address.";
    BackHome => "返回首页", "Back to home";
    ForbiddenTitle => "没有访问权限", "No access";
    ForbiddenBody => "您的角色不能打开此页面。如需访问，请联系管理员。", "Your role cannot open this page. Ask an administrator if you need it.";
    Users => "用户", "Users";
    Teams => "团队", "Teams";
    RolesAndScopes => "角色与数据范围", "Roles and data scope";
    ScopesIntro => "数据范围决定每个角色能看到哪些客户数据。", "The data scope decides which customer records each role can see.";
    NewUser => "新建用户", "New user";
    EditUser => "编辑用户", "Edit user";
    DisplayName => "姓名", "Name";
    Phone => "手机", "Phone";
    PhoneOptional => "手机（选填）", "Phone (optional)";
    Role => "角色", "Role";
    Team => "团队", "Team";
    Status => "状态", "Status";
    Actions => "操作", "Actions";
    Active => "在职", "Active";
    Inactive => "已停用", "Deactivated";
    Edit => "编辑", "Edit";
    Deactivate => "停用", "Deactivate";
    Activate => "启用", "Activate";
    InitialPassword => "初始密码", "Initial password";
    NewPassword => "新密码", "New password";
    NewPasswordHint => "留空则不修改。修改后该用户需要重新登录。", "Leave empty to keep it. Changing it signs the user out everywhere.";
    Save => "保存", "Save";
    Saved => "已保存", "Saved";
    Cancel => "取消", "Cancel";
    Create => "创建", "Create";
    NewTeam => "新建团队", "New team";
    TeamName => "团队名称", "Team name";
    ParentTeam => "上级团队", "Parent team";
    Members => "成员数", "Members";
    Rename => "重命名", "Rename";
    Move => "移动", "Move";
    Delete => "删除", "Delete";
    ConfirmDeleteTeam => "确定删除团队", "Delete the team";
    DataScope => "数据范围", "Data scope";
    RoleAdmin => "管理员", "Administrator";
    RoleManager => "经理", "Manager";
    RoleSales => "销售", "Sales";
    RoleMarketing => "市场", "Marketing";
    RoleService => "客服", "Service";
    RoleFinance => "财务", "Finance";
    ScopeOwn => "仅本人的数据", "Own records only";
    ScopeTeam => "本团队的数据", "Their team's records";
    ScopeTeamAndSubTeams => "本团队及下级团队的数据", "Their team's and sub-teams' records";
    ScopeAll => "全部数据", "All records";
    ErrOffline => "无法连接服务器，请检查网络后重试。", "Cannot reach the server. Check the connection and try again.";
    ErrServer => "服务器出错了，请稍后重试。", "The server had a problem. Try again in a moment.";
    ErrUnexpected => "服务器的回应无法识别，请刷新页面。", "The server's answer was not understood. Reload the page.";
    ErrCheckFields => "请修改标出的字段。", "Please correct the marked fields.";
    ErrChart => "图表无法加载。", "The chart could not be loaded.";
    ErrBadCredentials => "邮箱或密码不正确。", "Wrong email or password.";
    ErrRateLimited => "尝试次数过多，请稍后再试。", "Too many attempts. Try again later.";
    ErrBusy => "服务器正忙，请稍后再试。", "The server is busy. Try again in a moment.";
    ErrTimeout => "请求超时，请重试。", "The request took too long. Try again.";
    ErrAccountDisabled => "该账号已停用，请联系管理员。", "This account has been deactivated. Ask an administrator.";
    ErrAlreadySetUp => "系统已完成初始化，请直接登录。", "This installation is already set up. Sign in instead.";
    ErrUnauthorized => "请先登录。", "Please sign in first.";
    ErrForbidden => "您的角色不允许此操作。", "Your role does not allow this.";
    ErrNotFound => "要找的内容不存在，可能已被删除。", "It does not exist; it may have been deleted.";
    ErrTooLarge => "提交的内容太大。", "What you sent is too large.";
    ErrUnknownParent => "所选的上级团队不存在。", "The chosen parent team does not exist.";
    ErrRootCannotMove => "公司（最上级）不能移动。", "The company (top of the tree) cannot be moved.";
    ErrRootCannotBeDeleted => "公司（最上级）不能删除。", "The company (top of the tree) cannot be deleted.";
    ErrWouldCycle => "团队不能移到自己或自己的下级团队之下。", "A team cannot move under itself or one of its sub-teams.";
    ErrTooDeep => "团队层级太深了。", "The team tree would be too deep.";
    ErrTeamHasSubTeams => "该团队还有下级团队，请先移走或删除它们。", "The team still has sub-teams; move or delete them first.";
    ErrTeamHasMembers => "该团队还有成员，请先把他们调到其他团队。", "The team still has members; move them to another team first.";
    ErrCannotDeactivateSelf => "不能停用自己的账号。", "You cannot deactivate your own account.";
    ErrCannotDemoteSelf => "不能取消自己的管理员角色。", "You cannot take the administrator role away from yourself.";
    ErrLastAdmin => "这是最后一个管理员，请先指定另一位管理员。", "This is the last administrator; make someone else an administrator first.";
    NavContacts => "联系人", "Contacts";
    NavAccounts => "客户", "Accounts";
    NavLeads => "线索", "Leads";
    NavPipeline => "商机", "Pipeline";
    NavActivities => "活动", "Activities";
    NavTasks => "任务", "Tasks";
    NavMore => "更多", "More";
    NewRecord => "新建", "New";
    RecordCount => "条", "records";
    NoRecords => "还没有记录。", "Nothing here yet.";
    NoRecordMatches => "没有符合条件的记录。", "Nothing matches.";
    ConfirmDeleteRecord => "确定删除这条记录吗？", "Delete this record?";
    ConvertLead => "转为客户和商机", "Convert to account and deal";
    LeadConverted => "该线索已转化。", "This lead has been converted.";
    MoveTo => "移到", "Move to";
    GateNeeds => "进入该阶段前需填写：", "Fill in before this stage: ";
    NoneChosen => "（无）", "(none)";
    EditRecord => "编辑", "Edit";
    PipelineTitle => "商机看板", "Deal pipeline";
    ChartFunnel => "我的商机漏斗", "My open deals by stage";
    ChartPipelineMonth => "按预计成交月份的商机金额", "Pipeline value by expected close month";
    ChartActivitiesWeek => "本周活动", "Activities this week";
    ChartLeaderboard => "团队赢单排行", "Team leaderboard (won)";
    NothingYet => "暂无数据", "Nothing yet";
    Timeline => "时间线", "Timeline";
    GlobalSearch => "搜索全部", "Search everything";
    GlobalSearchHint => "姓名、拼音或首字母、电话、邮箱、公司、标签", "Names, pinyin or initials, phones, emails, companies, tags";
    QuickAdd => "快速添加", "Quick add";
    TaskDue => "任务到期：", "Task due: ";
    SortBy => "排序", "Sort by";
    SortAscending => "升序", "Ascending";
    SortDescending => "降序", "Descending";
    FilterBy => "筛选", "Filter";
    AddFilter => "添加筛选", "Add filter";
    SelectRows => "批量操作", "Select";
    UseMyLocation => "定位", "Locate me";
    LocationUnavailable => "无法获取位置（未授权或没有信号），可以手动填写。", "No location (not allowed or no signal); type it in instead.";
    Views => "视图", "Views";
    AllRecordsView => "全部（默认视图）", "All (default view)";
    DeleteView => "删除视图", "Delete view";
    ViewName => "新视图名称", "New view's name";
    SaveView => "保存为视图", "Save as view";
    ViewNameNeeded => "请先给视图起个名字。", "Give the view a name first.";
    ShownFields => "列表中显示的字段", "Fields shown in the list";
    MainPipeline => "默认流程", "Main pipeline";
    RemoveLink => "移除", "Remove";
    EnableNotifications => "开启系统通知（任务到期提醒）", "Turn on notifications (tasks falling due)";
    NotificationsOn => "系统通知已开启", "Notifications are on";
    PipelineSettings => "销售流程", "Pipelines";
    PipelineName => "流程名称", "Pipeline name";
    NewPipeline => "新建流程", "New pipeline";
    SavePipeline => "保存流程", "Save pipeline";
    PipelineSaved => "已保存，所有设备同步后生效。", "Saved; every device follows after its next sync.";
    FieldSettings => "字段", "Fields";
    FieldsObject => "对象", "Object";
    FieldLabelZh => "名称（中文）", "Name (Chinese)";
    FieldLabelEn => "名称（英文）", "Name (English)";
    FieldKeyLabel => "标识", "Key";
    FieldKeyHint => "用于接口和公式，保存后不能更改；留空则自动生成。", "Used by the API and formulas; it cannot change once saved. Left blank, one is made.";
    FieldTypeLabel => "类型", "Type";
    FieldChoices => "选项（每行一个）", "Choices (one per line)";
    FieldCurrency => "币种", "Currency";
    FieldPrecision => "小数位数", "Digits after the point";
    FieldPrefix => "前缀", "Prefix";
    AutoNumberPending => "保存后自动编号", "Numbered once saved";
    AttachFiles => "添加文件", "Attach files";
    FieldMany => "可选多个", "Several allowed";
    AddPerson => "添加…", "Add…";
    Province => "省份", "Province";
    City => "城市", "City";
    District => "区县", "District";
    Street => "详细地址", "Street address";
    ChooseImage => "选择图片", "Choose a picture";
    UploadQueued => "待上传", "Waiting to upload";
    UploadRefused => "上传失败", "Not uploaded";
    RemoveFile => "移除", "Remove";
    SignHere => "请在框内签名", "Sign in the box";
    ClearSignature => "重签", "Clear";
    UseSignature => "确认签名", "Use this signature";
    FieldDigits => "序号位数", "Digits of the sequence";
    FieldDated => "编号带日期（如 HT-20261201-0001）", "Numbers carry the day (e.g. HT-20261201-0001)";
    FieldAutoNumberHint => "新记录同步到服务器后获得正式编号；离线时显示为 …", "A new record gets its number once it reaches the server; until then it shows …";
    FieldExpression => "公式", "Formula";
    FieldExpressionHint => "例如 budget * 0.9 或 IF(grade = \"a\", \"重点\", \"普通\")", "For example budget * 0.9 or IF(grade = \"a\", \"Key\", \"Normal\")";
    FieldLinkTarget => "关联到", "Links to";
    FieldRequired => "必填", "Required";
    AddField => "添加字段", "Add field";
    FieldAdded => "已添加，所有设备同步后可用。", "Added; every device has it after its next sync.";
    ViewTable => "表格", "Table";
    ViewBoard => "看板", "Board";
    GroupBy => "分组", "Group by";
    NotSet => "未设置", "Not set";
    AddRow => "添加一行", "Add a row";
    RemoveRow => "删除这一行", "Remove this row";
    FieldColumns => "子表的列", "Columns";
    FieldColumnsHint => "每行一列：名称:类型，如“单价:金额”。类型：文本、整数、小数、金额、百分比、日期、勾选。", "One column per line, name:type, e.g. \"Price:money\". Types: text, integer, decimal, money, percent, date, checkbox.";
    NewObject => "新建对象", "New object";
    NewObjectHint => "对象有自己的列表、记录页和接口（/api/v1/对象标识），先有一个“名称”字段，之后在上面为它添加字段。", "An object gets its own list, record pages and API (/api/v1/<key>). It starts with a Name field; add its other fields above.";
    ObjectNameZh => "对象名称（中文）", "Object name (Chinese)";
    ObjectNameEn => "对象名称（英文）", "Object name (English)";
    ObjectKeyLabel => "标识", "Key";
    ObjectCreated => "对象已创建。", "Object created.";
    NameFieldLabel => "名称", "Name";
    RollupVia => "汇总哪些记录", "Roll up records of";
    RollupField => "汇总字段", "Field rolled up";
    RollupFunction => "汇总方式", "Function";
    RollupCount => "计数", "Count";
    RollupSum => "求和", "Sum";
    RollupAvg => "平均值", "Average";
    RollupMin => "最小值", "Least";
    RollupMax => "最大值", "Greatest";
    NoRollupSource => "还没有对象链接到这里：先在另一个对象上添加指向它的链接字段。", "No object links here yet: add a link field pointing here to another object first.";
    LookupVia => "通过哪个关联字段", "Through the link";
    LookupField => "引用哪个字段", "Field looked up";
    NoLookupLink => "这个对象还没有关联记录字段：先添加一个。", "This object has no link field yet: add one first.";
    SystemFieldBadge => "系统", "System";
    CustomFieldBadge => "自定义", "Custom";
    HiddenFieldBadge => "已隐藏", "Hidden";
    DeletedFieldBadge => "已删除", "Deleted";
    DeleteField => "删除", "Delete";
    RestoreField => "恢复", "Restore";
    RetypeField => "更改类型", "Change type";
    RetypeSafe => "所有值都能转换。", "Every value converts.";
    RetypeFailing => "无法转换、将保留原值的值：", "Values that will not convert and keep their old value:";
    RetypeChoices => "选项（由已有的值生成）：", "Choices (made from the values held):";
    RetypeApply => "确认更改类型", "Change the type";
    ConfirmDeleteField => "删除该字段？它的数据保留 30 天，期间可以恢复。", "Delete this field? Its values are kept for 30 days, during which it can be restored.";
    FormulaReads => "公式正确。", "The formula reads well.";
    Stages => "阶段", "Stages";
    AddStage => "添加阶段", "Add stage";
    RemoveStage => "删除阶段", "Remove stage";
    TabDetails => "详情", "Details";
    TabRelated => "相关", "Related";
    RelatedNone => "还没有。", "None yet.";
    RelatedMore => "更多：", "More:";
    FormLayout => "表单布局", "Form layout";
    FormLayoutIntro => "拖动字段左侧的 ⠿ 把字段放进分区，或用上移、下移和“移到分区”调整；新建、编辑和记录页都按这个布局显示。", "Drag a field by its ⠿ handle into a section, or use move up, move down and “Move to section”; the create, edit and record pages all follow this layout.";
    AddSection => "添加分区", "Add section";
    RemoveSection => "删除分区", "Remove section";
    SectionTitleZh => "分区标题（中文）", "Section title (Chinese)";
    SectionTitleEn => "分区标题（英文）", "Section title (English)";
    SectionColumns => "列数", "Columns";
    OneColumn => "一列", "One column";
    TwoColumns => "两列", "Two columns";
    MoveToSection => "移到分区", "Move to section";
    SectionNumbered => "分区", "Section";
    SaveLayout => "保存布局", "Save layout";
    PhonePreview => "手机预览", "Phone preview";
    FieldConditions => "条件", "Conditions";
    ShownWhen => "何时显示", "Shown when";
    RequiredWhen => "何时必填", "Required when";
    ConditionValue => "比较的值", "Compared with";
    SaveConditions => "保存条件", "Save conditions";
    ConditionsOnlyCustom => "系统字段的显示与必填由产品决定，条件只能设在自定义字段上。", "System fields keep the product's rules; conditions are for custom fields.";
    MoveUp => "上移", "Move up";
    MoveDown => "下移", "Move down";
    ResizeColumn => "调整列宽：", "Resize column: ";
    StageNameZh => "中文名称", "Chinese name";
    StageNameEn => "英文名称", "English name";
    StageProbability => "赢率（%）", "Probability (%)";
    StageWon => "赢单", "Won";
    StageLost => "输单", "Lost";
    StageGate => "进入该阶段前必填", "Required before entering";
    StageHasDeals => "该阶段还有商机，请先把它们移到其他阶段。", "Deals are still in this stage; move them to another stage first.";
    ListSettings => "字段与视图", "Fields and views";
    SelectDone => "完成", "Done";
    SelectedCount => "已选", "selected:";
    SelectAll => "全选", "Select all";
    SelectNone => "取消全选", "Clear";
    AssignTo => "分配给", "Assign to";
    Assign => "分配", "Assign";
    TagToAdd => "要加的标签", "Tag to add";
    AddTag => "加标签", "Add tag";
    BulkDeleted => "条已删除", "deleted";
    Undo => "撤销", "Undo";
    BulkChanged => "条已更改", "changed";
    BulkRefused => "条未能更改：", "could not be changed:";
    OpContains => "包含", "contains";
    OpNotContains => "不包含", "does not contain";
    OpIs => "等于", "is";
    OpIsNot => "不等于", "is not";
    OpAtLeast => "≥", "≥";
    OpAtMost => "≤", "≤";
    OpThisWeek => "在本周", "is this week";
    OpThisMonth => "在本月", "is this month";
    OpLastMonth => "在上月", "is last month";
    OpLast7Days => "在最近 7 天", "is in the last 7 days";
    OpBeforeToday => "早于今天", "is before today";
    OpAfterToday => "晚于今天", "is after today";
    OpIsMe => "是我", "is me";
    OpIsMyTeam => "是我的团队", "is my team";
    OpEmpty => "为空", "is empty";
    OpNotEmpty => "不为空", "is not empty";
    RemoveFilter => "移除筛选", "Remove filter";
    DismissReminder => "知道了", "Dismiss";
    QuickVisit => "记录拜访", "Log a visit";
    QuickCall => "记录电话", "Log a call";
    QuickNote => "记笔记", "Write a note";
    QuickLead => "新线索", "New lead";
    TimelineCreated => "创建了", "created";
    TimelineChanged => "修改", "changed";
    TimelineEmpty => "还没有相关记录。", "Nothing related yet.";
    Contacts => "联系人", "Contacts";
    NewContact => "新建联系人", "New contact";
    EditContact => "编辑联系人", "Edit contact";
    ContactName => "姓名", "Name";
    Company => "公司", "Company";
    CompanyOptional => "公司（选填）", "Company (optional)";
    EmailOptional => "邮箱（选填）", "Email (optional)";
    Notes => "备注", "Notes";
    Owner => "负责人", "Owner";
    Search => "搜索", "Search";
    SearchContacts => "按姓名、公司、电话或邮箱搜索", "Search by name, company, phone or email";
    TypeToFind => "输入名称、拼音或电话查找", "Type a name, pinyin or phone number";
    NoContacts => "还没有联系人。", "No contacts yet.";
    NoMatches => "没有符合条件的联系人。", "No contacts match.";
    ContactCount => "位联系人", "contacts";
    ConfirmDeleteContact => "确定删除这位联系人吗？", "Delete this contact?";
    Back => "返回", "Back";
    SyncOnline => "在线", "Online";
    SyncOffline => "离线", "Offline";
    SyncPending => "条待同步", "waiting to sync";
    SyncAllSynced => "已全部同步", "All synced";
    SyncLast => "上次同步", "Last synced";
    SyncNever => "尚未同步", "Not synced yet";
    SyncFirstDownload => "正在下载数据…", "Downloading your data…";
    SyncNotReady => "首次使用需要联网同步一次。", "Connect once to download your data before working offline.";
    SyncIssues => "同步问题", "Sync issues";
    SyncIssuesIntro => "以下改动没有按您的意图保存。请逐条处理。", "These changes were not saved the way you made them. Deal with each one.";
    NoSyncIssues => "没有同步问题。", "No sync issues.";
    IssueRejected => "改动被拒绝", "Change refused";
    IssueHiddenRecord => "一条您无权查看的记录", "a record you cannot see";
    IssuesPruned => "条较早的同步问题已自动移除，以免越积越多。", "older sync issues were removed to keep the list short.";
    IssueOverwritten => "覆盖了别人的修改", "Overwrote someone else's change";
    IssueMine => "我的值", "Mine";
    IssueTheirs => "对方的值", "Theirs";
    IssueOriginal => "原来的值", "Original";
    IssueBy => "修改人", "Changed by";
    ReApply => "重新提交", "Apply again";
    Discard => "放弃", "Discard";
    KeepMine => "保留我的", "Keep mine";
    UseTheirs => "改回对方的", "Use theirs";
    RejectInvalid => "内容不符合要求", "Some values were not valid";
    RejectNotFound => "记录已被删除或已转给别人", "The record was deleted or handed to someone else";
    RejectForbidden => "您没有权限做这个改动", "You are not allowed to make this change";
    RejectExists => "这条记录已经存在", "This record already exists";
    RejectUnknown => "应用版本过旧，服务器不认识这个改动", "The app is too old; the server does not know this change";
    MutationCreate => "新建", "Create";
    MutationUpdate => "修改", "Edit";
    MutationDelete => "删除", "Delete";
    MutationAssign => "转交", "Hand over";
    MutationOther => "改动", "Change";
    ErrMutationGap => "同步顺序出错，请刷新页面。", "Sync got out of order. Reload the page.";
    ErrSchemaVersion => "应用已更新，请刷新页面。", "The app was updated. Reload the page.";
    ProblemRequired => "此项必填。", "This field is required.";
    ProblemControlCharacters => "不能包含控制字符。", "Must not contain control characters.";
    ProblemInvalidEmail => "请输入有效的邮箱地址。", "Enter a valid email address.";
    ProblemInvalidPhone => "请输入有效的电话号码，例如 138 0013 8000。", "Enter a valid phone number, e.g. 138 0013 8000.";
    ProblemCommonPassword => "这个密码太常见了，请换一个。", "This password is too common; choose another.";
    ProblemPasswordMatchesEmail => "密码不能与邮箱相同。", "The password must not be the email address.";
    ProblemTaken => "已被使用，请换一个。", "Already in use; choose another.";
    ProblemNotFound => "所选的项目不存在。", "The chosen item does not exist.";
    ProblemInvalid => "值无效。", "Invalid value.";
}

/// The name of a role.
pub fn role_text(role: Role) -> Text {
    match role {
        Role::Admin => Text::RoleAdmin,
        Role::Manager => Text::RoleManager,
        Role::Sales => Text::RoleSales,
        Role::Marketing => Text::RoleMarketing,
        Role::Service => Text::RoleService,
        Role::Finance => Text::RoleFinance,
    }
}

/// The description of a data scope.
pub fn scope_text(scope: DataScope) -> Text {
    match scope {
        DataScope::Own => Text::ScopeOwn,
        DataScope::Team => Text::ScopeTeam,
        DataScope::TeamAndSubTeams => Text::ScopeTeamAndSubTeams,
        DataScope::All => Text::ScopeAll,
    }
}

/// What to say under a field with this problem.
pub fn problem_text(problem: &Problem, locale: Locale) -> String {
    let fixed = |text: Text| text.get(locale).to_owned();
    match (problem, locale) {
        (Problem::TooShort { min }, Locale::ZhCn) => format!("至少需要 {min} 个字符。"),
        (Problem::TooShort { min }, Locale::En) => format!("Must be at least {min} characters."),
        (Problem::TooLong { max }, Locale::ZhCn) => format!("最多 {max} 个字符。"),
        (Problem::TooLong { max }, Locale::En) => format!("Must be at most {max} characters."),
        (Problem::Required, _) => fixed(Text::ProblemRequired),
        (Problem::ControlCharacters, _) => fixed(Text::ProblemControlCharacters),
        (Problem::InvalidEmail, _) => fixed(Text::ProblemInvalidEmail),
        (Problem::InvalidPhone, _) => fixed(Text::ProblemInvalidPhone),
        (Problem::CommonPassword, _) => fixed(Text::ProblemCommonPassword),
        (Problem::PasswordMatchesEmail, _) => fixed(Text::ProblemPasswordMatchesEmail),
        (Problem::Taken, _) => fixed(Text::ProblemTaken),
        (Problem::NotFound, _) => fixed(Text::ProblemNotFound),
        (Problem::Invalid, _) => fixed(Text::ProblemInvalid),
        (Problem::TooMany { max }, Locale::ZhCn) => format!("最多 {max} 项。"),
        (Problem::TooMany { max }, Locale::En) => format!("At most {max} entries."),
        (Problem::OutOfRange { min, max }, Locale::ZhCn) => format!("应在 {min} 到 {max} 之间。"),
        (Problem::OutOfRange { min, max }, Locale::En) => {
            format!("Must be between {min} and {max}.")
        }
        (Problem::Negative, Locale::ZhCn) => "不能为负数。".to_owned(),
        (Problem::Negative, Locale::En) => "Must not be negative.".to_owned(),
        (Problem::InvalidAmount, Locale::ZhCn) => "请输入金额，如 12000 或 1200.50。".to_owned(),
        (Problem::InvalidAmount, Locale::En) => {
            "Enter an amount such as 12000 or 1200.50.".to_owned()
        }
        (Problem::InvalidCurrency, Locale::ZhCn) => "请输入三位货币代码，如 CNY、USD。".to_owned(),
        (Problem::InvalidCurrency, Locale::En) => {
            "Enter a three-letter currency code such as CNY or USD.".to_owned()
        }
        (Problem::InvalidDate, Locale::ZhCn) => "请输入有效日期，如 2026-12-31。".to_owned(),
        (Problem::InvalidDate, Locale::En) => "Enter a real date such as 2026-12-31.".to_owned(),
        (Problem::RequiredForStage, Locale::ZhCn) => "进入该阶段前必须填写。".to_owned(),
        (Problem::RequiredForStage, Locale::En) => {
            "Required before the deal can enter this stage.".to_owned()
        }
        (Problem::UnknownField, Locale::ZhCn) => "该记录没有这个字段。".to_owned(),
        (Problem::UnknownField, Locale::En) => "This record has no such field.".to_owned(),
        (Problem::InvalidKey, Locale::ZhCn) => {
            "请以小写英文字母开头，只用小写字母、数字和下划线，如 lead_source。".to_owned()
        }
        (Problem::InvalidKey, Locale::En) => {
            "Start with a lower-case letter and use only lower-case letters, digits and _, such as lead_source.".to_owned()
        }
        (Problem::InvalidNumber, Locale::ZhCn) => "请输入数字，如 1200 或 -3.5。".to_owned(),
        (Problem::InvalidNumber, Locale::En) => "Enter a number such as 1200 or -3.5.".to_owned(),
        (Problem::TooPrecise { max: 0 }, Locale::ZhCn) => "请输入整数。".to_owned(),
        (Problem::TooPrecise { max: 0 }, Locale::En) => "Enter a whole number.".to_owned(),
        (Problem::TooPrecise { max }, Locale::ZhCn) => format!("小数点后最多 {max} 位。"),
        (Problem::TooPrecise { max }, Locale::En) => {
            format!("At most {max} digits after the point.")
        }
        (Problem::InvalidTime, Locale::ZhCn) => "请输入时间，如 09:30。".to_owned(),
        (Problem::InvalidTime, Locale::En) => "Enter a time such as 09:30.".to_owned(),
        (Problem::InvalidDuration, Locale::ZhCn) => {
            "请输入时长，如 90（分钟）、1:30 或 1小时30分钟。".to_owned()
        }
        (Problem::InvalidDuration, Locale::En) => {
            "Enter a length of time such as 90 (minutes), 1:30 or 1h30m.".to_owned()
        }
        (Problem::UnknownOption, Locale::ZhCn) => "请从选项中选择。".to_owned(),
        (Problem::UnknownOption, Locale::En) => "Choose one of the options.".to_owned(),
        (Problem::InvalidUrl, Locale::ZhCn) => "请输入网址，如 https://example.com。".to_owned(),
        (Problem::InvalidUrl, Locale::En) => {
            "Enter a web address such as https://example.com.".to_owned()
        }
        (Problem::InvalidWechat, Locale::ZhCn) => "微信号只能包含字母、数字、- 和 _。".to_owned(),
        (Problem::InvalidWechat, Locale::En) => {
            "A WeChat ID has only letters, digits, - and _.".to_owned()
        }
        (Problem::InvalidIdCard, Locale::ZhCn) => "身份证号无效，请核对 18 位号码。".to_owned(),
        (Problem::InvalidIdCard, Locale::En) => {
            "Not a valid identity card number: check its 18 characters.".to_owned()
        }
        (Problem::InvalidCreditCode, Locale::ZhCn) => {
            "统一社会信用代码无效，请核对 18 位代码。".to_owned()
        }
        (Problem::InvalidCreditCode, Locale::En) => {
            "Not a valid unified social credit code: check its 18 characters.".to_owned()
        }
        (Problem::InvalidDateTime, Locale::ZhCn) => {
            "请输入日期和时间，如 2026-12-31 09:30。".to_owned()
        }
        (Problem::InvalidDateTime, Locale::En) => {
            "Enter a date and time such as 2026-12-31 09:30.".to_owned()
        }
        (Problem::NotAnImage, Locale::ZhCn) => "请选择图片文件。".to_owned(),
        (Problem::NotAnImage, Locale::En) => "Choose an image file.".to_owned(),
        (Problem::FileTooLarge { max_mb }, Locale::ZhCn) => {
            format!("文件超过 {max_mb} MB，请选择较小的文件。")
        }
        (Problem::FileTooLarge { max_mb }, Locale::En) => {
            format!("The file is larger than {max_mb} MB: choose a smaller one.")
        }
        (Problem::ReadOnly, Locale::ZhCn) => "该字段由系统计算，不能填写。".to_owned(),
        (Problem::ReadOnly, Locale::En) => {
            "This field is worked out by the system and cannot be written.".to_owned()
        }
        (Problem::Reserved, Locale::ZhCn) => "这是系统保留的标识，请换一个。".to_owned(),
        (Problem::Reserved, Locale::En) => "The product uses this key; choose another.".to_owned(),
        (Problem::SystemField, Locale::ZhCn) => {
            "这是系统字段：可以改名或隐藏，不能删除或更改类型。".to_owned()
        }
        (Problem::SystemField, Locale::En) => {
            "A system field can be relabelled or hidden, not deleted or retyped.".to_owned()
        }
        (Problem::UnsafeConversion, Locale::ZhCn) => {
            "不能改成这种类型：已有的值无法转换。".to_owned()
        }
        (Problem::UnsafeConversion, Locale::En) => {
            "It cannot change to this type: its values would not convert.".to_owned()
        }
        (Problem::LossyConversion, Locale::ZhCn) => {
            "部分已有的值可能无法转换：请先预览，再确认更改。".to_owned()
        }
        (Problem::LossyConversion, Locale::En) => {
            "Some values may not convert to this type: preview them, then confirm the change."
                .to_owned()
        }
        (Problem::ChoiceRemoved, Locale::ZhCn) => {
            "记录可能仍在使用该选项：请将其停用，而不是删除。".to_owned()
        }
        (Problem::ChoiceRemoved, Locale::En) => {
            "Records may still hold this choice: retire it instead of removing it.".to_owned()
        }
        (Problem::Formula { message, .. }, Locale::ZhCn) => format!("公式有误：{message}"),
        (Problem::Formula { message, .. }, Locale::En) => format!("The formula is wrong: {message}"),
        (Problem::InvalidSchema { reason }, Locale::ZhCn) => format!("无法保存：{reason}"),
        (Problem::InvalidSchema { reason }, Locale::En) => format!("Cannot be saved: {reason}"),
    }
}

/// Every error code the server sends (see `api::ErrorInfo::code`).
pub const ERROR_CODES: &[&str] = &[
    "malformed_json",
    "unreadable_body",
    "unauthorized",
    "bad_credentials",
    "forbidden",
    "not_found",
    "method_not_allowed",
    "already_set_up",
    "email_taken",
    "account_disabled",
    "team_name_taken",
    "unknown_parent",
    "root_cannot_move",
    "root_cannot_be_deleted",
    "would_cycle",
    "too_deep",
    "team_has_sub_teams",
    "team_has_members",
    "cannot_deactivate_self",
    "cannot_demote_self",
    "last_admin",
    "payload_too_large",
    "unsupported_media_type",
    "validation_failed",
    "rate_limited",
    "mutation_gap",
    "unsupported_schema_version",
    "busy",
    "request_timeout",
    "foreign_origin",
    "internal",
];

/// What to tell the user for a server error code, when there is more to say than the
/// generic message for its status.
pub fn error_text(code: &str, locale: Locale) -> Option<&'static str> {
    let text = match code {
        "bad_credentials" => Text::ErrBadCredentials,
        "rate_limited" => Text::ErrRateLimited,
        "account_disabled" => Text::ErrAccountDisabled,
        "already_set_up" => Text::ErrAlreadySetUp,
        "unauthorized" => Text::ErrUnauthorized,
        "forbidden" | "foreign_origin" => Text::ErrForbidden,
        "busy" => Text::ErrBusy,
        "request_timeout" => Text::ErrTimeout,
        "not_found" => Text::ErrNotFound,
        "payload_too_large" => Text::ErrTooLarge,
        "email_taken" | "team_name_taken" => Text::ProblemTaken,
        "unknown_parent" => Text::ErrUnknownParent,
        "root_cannot_move" => Text::ErrRootCannotMove,
        "root_cannot_be_deleted" => Text::ErrRootCannotBeDeleted,
        "would_cycle" => Text::ErrWouldCycle,
        "too_deep" => Text::ErrTooDeep,
        "team_has_sub_teams" => Text::ErrTeamHasSubTeams,
        "team_has_members" => Text::ErrTeamHasMembers,
        "cannot_deactivate_self" => Text::ErrCannotDeactivateSelf,
        "cannot_demote_self" => Text::ErrCannotDemoteSelf,
        "last_admin" => Text::ErrLastAdmin,
        "validation_failed" => Text::ErrCheckFields,
        "internal" => Text::ErrServer,
        "mutation_gap" => Text::ErrMutationGap,
        "unsupported_schema_version" => Text::ErrSchemaVersion,
        "malformed_json" | "unreadable_body" | "unsupported_media_type" | "method_not_allowed" => {
            Text::ErrUnexpected
        }
        _ => return None,
    };
    Some(text.get(locale))
}

/// How to name a refusal of a change (the device's form, a board's card, the sync issues).
pub fn rejection_text(reason: &crate::sync::Rejection) -> Text {
    use crate::sync::Rejection;
    match reason {
        Rejection::Invalid { .. } => Text::RejectInvalid,
        Rejection::NotFound => Text::RejectNotFound,
        Rejection::Forbidden => Text::RejectForbidden,
        Rejection::Exists => Text::RejectExists,
        Rejection::UnknownMutation | Rejection::Malformed { .. } => Text::RejectUnknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_text_exists_in_both_languages() {
        for text in Text::ALL {
            let (zh, en) = (text.get(Locale::ZhCn), text.get(Locale::En));
            assert!(!zh.trim().is_empty() && !en.trim().is_empty(), "{text:?}");
            // English texts are English (the language switch names the other language, the
            // brand mark is the logo).
            if !matches!(text, Text::SwitchLanguage | Text::BrandMark) {
                assert!(!has_cjk(en), "{text:?} has Chinese in English: {en}");
            }
        }
        assert_eq!(Text::SwitchLanguage.get(Locale::ZhCn), "English");
    }

    #[test]
    fn every_server_error_code_has_a_translation() {
        for code in ERROR_CODES {
            for locale in Locale::ALL {
                assert!(error_text(code, locale).is_some(), "{code} in {locale:?}");
            }
        }
        assert_eq!(error_text("something_new", Locale::En), None);
    }

    #[test]
    fn problems_read_naturally() {
        assert_eq!(
            problem_text(&Problem::TooShort { min: 8 }, Locale::ZhCn),
            "至少需要 8 个字符。"
        );
        assert_eq!(
            problem_text(&Problem::TooShort { min: 8 }, Locale::En),
            "Must be at least 8 characters."
        );
        assert_eq!(
            problem_text(&Problem::InvalidEmail, Locale::En),
            "Enter a valid email address."
        );
    }

    #[test]
    fn locale_tags() {
        assert_eq!(Locale::default(), Locale::ZhCn);
        assert_eq!(Locale::from_tag("en-US"), Locale::En);
        assert_eq!(Locale::from_tag("zh-CN"), Locale::ZhCn);
        assert_eq!(Locale::from_tag("fr"), Locale::ZhCn);
        for locale in Locale::ALL {
            assert_eq!(Locale::from_tag(locale.tag()), locale);
        }
    }
}
