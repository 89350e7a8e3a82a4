<?php
/**
 * WooCommerce > Vafa bonuses: engagement settings, survey answers,
 * notifications and campaigns.
 *
 * @package Vafa
 */

namespace Vafa\Admin;

use Vafa\ApiClient;
use Vafa\ApiException;
use Vafa\Format;
use Vafa\Program;
use Vafa\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * A page of its own under WooCommerce (beside the Vafa page): the bonus
 * settings the service keeps (PATCH /v1/admin/program), the survey answers
 * with their average rating, the log of events the service delivered to this
 * site and other receivers with a Replay button for dead ones, and surprise
 * campaigns with a preview count. Every form checks manage_woocommerce and
 * its own nonce; no secret is ever printed.
 */
final class BonusesAdmin {
	const SLUG   = 'vafa-bonuses';
	const ACTION = 'vafa_bonuses';
	const STATES = array( 'dead', 'pending', 'delivered' );

	/**
	 * The program settings this page edits, with their bounds.
	 */
	const INTS = array(
		'signup_points'        => 1000000,
		'birthday_points'      => 1000000,
		'anniversary_points'   => 1000000,
		'review_points'        => 1000000,
		'survey_points'        => 1000000,
		'winback_days'         => 3650,
		'winback_points'       => 1000000,
		'expiry_reminder_days' => 60,
	);

	/**
	 * Hooks the menu and the form handler.
	 */
	public static function register(): void {
		add_action(
			'admin_menu',
			static function () {
				add_submenu_page( 'woocommerce', __( 'Vafa bonuses', 'vafa' ), __( 'Vafa bonuses', 'vafa' ), 'manage_woocommerce', self::SLUG, array( self::class, 'render' ) );
			}
		);
		add_action( 'admin_post_' . self::ACTION, array( self::class, 'handle' ) );
	}

	/**
	 * The connected client, or an exception with a translated message.
	 *
	 * @throws ApiException When not connected.
	 */
	private static function client(): ApiClient {
		$client = ApiClient::connected();
		if ( ! $client ) {
			throw new ApiException( __( 'Connect the store first.', 'vafa' ), 'invalid' );
		}
		return $client;
	}

	/**
	 * Handles the page's forms (admin-post.php?action=vafa_bonuses).
	 */
	public static function handle(): void {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			wp_die( esc_html__( 'You are not allowed to manage Vafa.', 'vafa' ), 403 );
		}
		$op = isset( $_POST['vafa_op'] ) ? sanitize_key( wp_unslash( $_POST['vafa_op'] ) ) : '';
		check_admin_referer( 'vafa_bonuses_' . $op );
		$notice = array( 'success', '' );
		$back   = array();
		$user   = (string) get_current_user_id();
		try {
			switch ( $op ) {
				case 'bonus_settings':
					$body = array();
					foreach ( self::INTS as $key => $max ) {
						$body[ $key ] = min( $max, absint( wp_unslash( $_POST[ 'vafa_' . $key ] ?? 0 ) ) );
					}
					$from                     = sanitize_key( wp_unslash( $_POST['vafa_anniversary_from'] ?? '' ) );
					$body['anniversary_from'] = 'registration' === $from ? 'registration' : 'first_order';
					$body['survey_reward']    = absint( wp_unslash( $_POST['vafa_survey_reward'] ?? 0 ) );
					$body['winback_reward']   = absint( wp_unslash( $_POST['vafa_winback_reward'] ?? 0 ) );
					$body['survey_question']  = mb_substr( sanitize_text_field( wp_unslash( $_POST['vafa_survey_question'] ?? '' ) ), 0, 200 );
					self::client()->as_user( 'PATCH', '/v1/admin/program', $user, 'admin', $body, array(), 10.0 );
					update_option( Settings::BIRTHDAY_CHECKOUT, empty( $_POST['vafa_birthday_checkout'] ) ? 'no' : 'yes', true );
					Program::forget();
					$notice[1] = __( 'Bonus settings saved.', 'vafa' );
					break;
				case 'event_replay':
					$id = absint( wp_unslash( $_POST['vafa_delivery'] ?? 0 ) );
					self::client()->as_user( 'POST', '/v1/admin/events/' . $id . '/replay', $user, 'admin', array(), array(), 10.0 );
					$notice[1] = __( 'The delivery was queued again.', 'vafa' );
					$back      = array( 'state' => 'pending' );
					break;
				case 'events_replay_dead':
					$answer = self::client()->as_user( 'POST', '/v1/admin/events/replay', $user, 'admin', array( 'state' => 'dead' ), array(), 15.0 );
					/* translators: %d: number of deliveries */
					$notice[1] = sprintf( __( '%d dead deliveries were queued again.', 'vafa' ), (int) ( $answer['replayed'] ?? $answer['count'] ?? 0 ) );
					$back      = array( 'state' => 'pending' );
					break;
				case 'campaign':
					if ( 'preview' === sanitize_key( wp_unslash( $_POST['vafa_campaign_do'] ?? '' ) ) ) {
						$answer = self::client()->as_user( 'POST', '/v1/admin/campaigns/preview', $user, 'admin', array( 'filter' => self::posted_filter() ), array(), 15.0 );
						/* translators: %d: number of customers */
						$notice[1] = sprintf( __( '%d customers match this filter.', 'vafa' ), (int) ( $answer['count'] ?? 0 ) );
						$back      = array( 'campaign' => self::posted_campaign_query() );
						break;
					}
					$body = self::posted_campaign();
					self::client()->as_user( 'POST', '/v1/admin/campaigns', $user, 'admin', $body, array( 'Idempotency-Key' => 'campaign-' . $body['key'] ), 15.0 );
					$notice[1] = __( 'The campaign started; its progress is shown below.', 'vafa' );
					break;
				default:
					throw new ApiException( __( 'Unknown action.', 'vafa' ), 'invalid' );
			}
		} catch ( ApiException $e ) {
			$notice = array( 'error', $e->getMessage() );
		}
		set_transient( 'vafa_notice_' . get_current_user_id(), $notice, 60 );
		$url = admin_url( 'admin.php?page=' . self::SLUG );
		if ( isset( $back['state'] ) ) {
			$url = add_query_arg( 'state', $back['state'], $url ) . '#vafa-events';
		} elseif ( isset( $back['campaign'] ) ) {
			$url = add_query_arg( $back['campaign'], $url ) . '#vafa-campaigns';
		}
		wp_safe_redirect( $url );
		exit;
	}

	/**
	 * The campaign filter from the form.
	 *
	 * @return array<string,mixed>
	 */
	private static function posted_filter(): array {
		// phpcs:disable WordPress.Security.NonceVerification.Missing -- handle() checked the nonce.
		$filter = array();
		$tier   = absint( wp_unslash( $_POST['vafa_filter_tier'] ?? 0 ) );
		if ( $tier > 0 ) {
			$filter['tier_id'] = $tier;
		}
		$before = sanitize_text_field( wp_unslash( $_POST['vafa_filter_before'] ?? '' ) );
		if ( preg_match( '/^\d{4}-\d{2}-\d{2}$/', $before ) ) {
			$filter['last_order_before'] = $before;
		}
		$spend = sanitize_text_field( wp_unslash( $_POST['vafa_filter_spend'] ?? '' ) );
		if ( '' !== $spend ) {
			$program                              = Program::get();
			$filter['lifetime_spend_above_minor'] = max( 0, Program::to_minor( $spend, (int) ( $program['currency_exponent'] ?? 2 ) ) );
		}
		$month = absint( wp_unslash( $_POST['vafa_filter_month'] ?? 0 ) );
		if ( $month >= 1 && $month <= 12 ) {
			$filter['birthday_month'] = $month;
		}
		// phpcs:enable
		return $filter;
	}

	/**
	 * The campaign form's fields, to fill the form again after a preview.
	 *
	 * @return array<string,string>
	 */
	private static function posted_campaign_query(): array {
		$keep = array();
		foreach ( array( 'vafa_campaign_key', 'vafa_campaign_name', 'vafa_campaign_message', 'vafa_campaign_points', 'vafa_campaign_reward', 'vafa_filter_tier', 'vafa_filter_before', 'vafa_filter_spend', 'vafa_filter_month' ) as $field ) {
			$keep[ $field ] = rawurlencode( sanitize_text_field( wp_unslash( $_POST[ $field ] ?? '' ) ) ); // phpcs:ignore WordPress.Security.NonceVerification.Missing -- handle() checked the nonce.
		}
		return $keep;
	}

	/**
	 * A campaign from the form.
	 *
	 * @return array<string,mixed>
	 * @throws ApiException When the form is incomplete.
	 */
	private static function posted_campaign(): array {
		// phpcs:disable WordPress.Security.NonceVerification.Missing -- handle() checked the nonce.
		$key    = sanitize_title( wp_unslash( $_POST['vafa_campaign_key'] ?? '' ) );
		$points = absint( wp_unslash( $_POST['vafa_campaign_points'] ?? 0 ) );
		$reward = absint( wp_unslash( $_POST['vafa_campaign_reward'] ?? 0 ) );
		$body   = array(
			'key'     => $key,
			'name'    => mb_substr( sanitize_text_field( wp_unslash( $_POST['vafa_campaign_name'] ?? '' ) ), 0, 200 ),
			'message' => mb_substr( sanitize_textarea_field( wp_unslash( $_POST['vafa_campaign_message'] ?? '' ) ), 0, 1000 ),
			'filter'  => self::posted_filter(),
		);
		// phpcs:enable
		if ( '' === $key || ( $points > 0 ) === ( $reward > 0 ) ) {
			throw new ApiException( __( 'A campaign needs a key and either points or a reward.', 'vafa' ), 'invalid' );
		}
		if ( $points > 0 ) {
			$body['points'] = min( 1000000, $points );
		} else {
			$body['reward_id'] = (string) $reward;
		}
		return $body;
	}

	/**
	 * Prints a form posting one operation.
	 *
	 * @param string $op     Operation.
	 * @param string $label  Button label.
	 * @param string $fields Extra fields (already escaped).
	 * @param string $class  Button class.
	 * @param string $extra  More buttons (already escaped).
	 */
	private static function form( string $op, string $label, string $fields = '', string $class = 'button', string $extra = '' ): void {
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" class="vafa-form">';
		echo '<input type="hidden" name="action" value="' . esc_attr( self::ACTION ) . '"><input type="hidden" name="vafa_op" value="' . esc_attr( $op ) . '">';
		wp_nonce_field( 'vafa_bonuses_' . $op );
		echo $fields; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built from escaped parts.
		// Extra buttons first: Enter in a field presses the first one (Preview, not Start).
		echo $extra . ' <button type="submit" class="' . esc_attr( $class ) . '">' . esc_html( $label ) . '</button></form>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built from escaped parts.
	}

	/**
	 * Renders the page.
	 */
	public static function render(): void {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			return;
		}
		echo '<div class="wrap"><h1>' . esc_html__( 'Vafa bonuses', 'vafa' ) . '</h1>';
		$notice = get_transient( 'vafa_notice_' . get_current_user_id() );
		if ( is_array( $notice ) && '' !== $notice[1] ) {
			delete_transient( 'vafa_notice_' . get_current_user_id() );
			echo '<div class="notice notice-' . esc_attr( $notice[0] ) . '"><p>' . esc_html( $notice[1] ) . '</p></div>';
		}
		$client = ApiClient::connected();
		if ( ! $client ) {
			echo '<p>' . esc_html__( 'Connect the store first.', 'vafa' ) . ' <a href="' . esc_url( admin_url( 'admin.php?page=' . SettingsPage::SLUG ) ) . '">' . esc_html__( 'Vafa Loyalty', 'vafa' ) . '</a></p></div>';
			return;
		}
		$user = (string) get_current_user_id();
		try {
			$rewards = (array) ( $client->as_user( 'GET', '/v1/admin/rewards', $user, 'admin', null, array(), 3.0 )['items'] ?? array() );
		} catch ( ApiException $e ) {
			$rewards = array();
		}
		self::render_settings( $client, $user, $rewards );
		self::render_surveys( $client, $user );
		self::render_events( $client, $user );
		self::render_campaigns( $client, $user, $rewards );
		echo '</div>';
	}

	/**
	 * A select of catalog rewards (0 = none).
	 *
	 * @param string                         $name     Field name.
	 * @param array<int,array<string,mixed>> $rewards  The catalog.
	 * @param int                            $selected Selected id.
	 */
	private static function reward_select( string $name, array $rewards, int $selected ): string {
		$html = '<select name="' . esc_attr( $name ) . '"><option value="0">' . esc_html__( 'None', 'vafa' ) . '</option>';
		foreach ( $rewards as $r ) {
			$id    = (int) ( $r['id'] ?? 0 );
			$html .= '<option value="' . esc_attr( (string) $id ) . '"' . selected( $selected, $id, false ) . '>' . esc_html( (string) ( $r['names']['en'] ?? $r['kind'] ?? $id ) ) . '</option>';
		}
		return $html . '</select>';
	}

	/**
	 * The bonus settings form.
	 *
	 * @param ApiClient                      $client  Client.
	 * @param string                         $user    Admin user id.
	 * @param array<int,array<string,mixed>> $rewards The catalog.
	 */
	private static function render_settings( ApiClient $client, string $user, array $rewards ): void {
		echo '<h2 id="vafa-bonus-settings">' . esc_html__( 'Bonuses', 'vafa' ) . '</h2>';
		try {
			$p = $client->as_user( 'GET', '/v1/program', $user, 'admin', null, array(), 3.0 );
		} catch ( ApiException $e ) {
			echo '<p>' . esc_html( $e->getMessage() ) . '</p>';
			return;
		}
		$labels = array(
			'signup_points'        => __( 'Points for creating an account', 'vafa' ),
			'birthday_points'      => __( 'Points on the birthday (a tier with a larger birthday bonus wins)', 'vafa' ),
			'anniversary_points'   => __( 'Points on each anniversary', 'vafa' ),
			'review_points'        => __( 'Points for an approved review of a product the customer bought (once per product)', 'vafa' ),
			'survey_points'        => __( 'Points for answering the survey of a completed order (once per order)', 'vafa' ),
			'winback_days'         => __( 'A customer has lapsed when the last paid order is this many days old (0 = no win-back)', 'vafa' ),
			'winback_points'       => __( 'Points to welcome a lapsed customer back (once per lapse)', 'vafa' ),
			'expiry_reminder_days' => __( 'Remind customers this many days before their points expire (0 = never)', 'vafa' ),
		);
		$fields = '<table class="form-table"><tbody>';
		foreach ( $labels as $key => $label ) {
			$fields .= '<tr><th><label for="vafa_' . esc_attr( $key ) . '">' . esc_html( $label ) . '</label></th><td><input type="number" min="0" max="' . esc_attr( (string) self::INTS[ $key ] ) . '" id="vafa_' . esc_attr( $key ) . '" name="vafa_' . esc_attr( $key ) . '" value="' . esc_attr( (string) (int) ( $p[ $key ] ?? 0 ) ) . '"></td></tr>';
			if ( 'anniversary_points' === $key ) {
				$from    = (string) ( $p['anniversary_from'] ?? 'first_order' );
				$fields .= '<tr><th><label for="vafa_anniversary_from">' . esc_html__( 'Anniversaries count from', 'vafa' ) . '</label></th><td><select id="vafa_anniversary_from" name="vafa_anniversary_from"><option value="first_order"' . selected( $from, 'first_order', false ) . '>' . esc_html__( 'the first paid order', 'vafa' ) . '</option><option value="registration"' . selected( $from, 'registration', false ) . '>' . esc_html__( 'registration', 'vafa' ) . '</option></select></td></tr>';
			}
			if ( 'survey_points' === $key ) {
				$fields .= '<tr><th>' . esc_html__( 'Or a reward for answering the survey', 'vafa' ) . '</th><td>' . self::reward_select( 'vafa_survey_reward', $rewards, (int) ( $p['survey_reward'] ?? 0 ) ) . '</td></tr>';
				$fields .= '<tr><th><label for="vafa_survey_question">' . esc_html__( 'Your own survey question (optional)', 'vafa' ) . '</label></th><td><input type="text" class="regular-text" maxlength="200" id="vafa_survey_question" name="vafa_survey_question" value="' . esc_attr( (string) ( $p['survey_question'] ?? '' ) ) . '"></td></tr>';
			}
			if ( 'winback_points' === $key ) {
				$fields .= '<tr><th>' . esc_html__( 'Or a reward to welcome them back', 'vafa' ) . '</th><td>' . self::reward_select( 'vafa_winback_reward', $rewards, (int) ( $p['winback_reward'] ?? 0 ) ) . '</td></tr>';
			}
		}
		$fields .= '<tr><th>' . esc_html__( 'Birthday at checkout', 'vafa' ) . '</th><td><label><input type="checkbox" name="vafa_birthday_checkout" value="1"' . checked( 'yes', get_option( Settings::BIRTHDAY_CHECKOUT, 'no' ), false ) . '> ' . esc_html__( 'Ask signed-in customers for their birthday in the classic checkout (the block checkout does not show it; customers can always give it in My Account > Account details)', 'vafa' ) . '</label></td></tr>';
		$fields .= '</tbody></table>';
		self::form( 'bonus_settings', __( 'Save', 'vafa' ), $fields, 'button button-primary' );
		echo '<p class="description">' . esc_html__( 'Customers hear of their points and rewards by e-mail: switch each e-mail on or off in WooCommerce > Settings > Emails.', 'vafa' ) . '</p>';
	}

	/**
	 * The survey answers with the average rating.
	 *
	 * @param ApiClient $client Client.
	 * @param string    $user   Admin user id.
	 */
	private static function render_surveys( ApiClient $client, string $user ): void {
		echo '<h2 id="vafa-surveys">' . esc_html__( 'Survey answers', 'vafa' ) . '</h2>';
		try {
			$list = $client->as_user( 'GET', '/v1/admin/surveys?limit=50', $user, 'admin', null, array(), 3.0 );
		} catch ( ApiException $e ) {
			echo '<p>' . esc_html( $e->getMessage() ) . '</p>';
			return;
		}
		$locale = determine_locale();
		$count  = (int) ( $list['count'] ?? 0 );
		/* translators: 1: number of answers, 2: average rating such as 4.25 */
		echo '<p class="vafa-survey-summary" data-count="' . esc_attr( (string) $count ) . '" data-average="' . esc_attr( (string) ( $list['average_rating'] ?? 0 ) ) . '">' . esc_html( sprintf( __( '%1$s answers, average rating %2$s of 5.', 'vafa' ), Format::integer( $count, $locale ), Format::decimal( number_format( (float) ( $list['average_rating'] ?? 0 ), 2, '.', '' ), $locale ) ) ) . '</p>';
		$answers = (array) ( $list['answers'] ?? array() );
		if ( ! $answers ) {
			return;
		}
		echo '<table class="widefat striped vafa-survey-answers"><thead><tr><th>' . esc_html__( 'Order', 'vafa' ) . '</th><th>' . esc_html__( 'Customer', 'vafa' ) . '</th><th>' . esc_html__( 'Rating', 'vafa' ) . '</th><th>' . esc_html__( 'Comment', 'vafa' ) . '</th><th>' . esc_html__( 'Answer to your question', 'vafa' ) . '</th><th>' . esc_html__( 'Answered', 'vafa' ) . '</th></tr></thead><tbody>';
		foreach ( $answers as $a ) {
			$order    = (int) ( $a['order_id'] ?? 0 );
			$customer = get_userdata( (int) ( $a['customer_id'] ?? 0 ) );
			$when     = Format::unix( (string) ( $a['answered_at'] ?? '' ) );
			$link     = function_exists( 'wc_get_order' ) && wc_get_order( $order ) ? wc_get_order( $order )->get_edit_order_url() : '';
			echo '<tr><td>' . ( '' !== $link ? '<a href="' . esc_url( $link ) . '">#' . esc_html( (string) $order ) . '</a>' : '#' . esc_html( (string) $order ) ) . '</td><td>' . esc_html( $customer ? $customer->display_name : (string) ( $a['customer_id'] ?? '' ) ) . '</td><td>' . esc_html( str_repeat( '★', max( 0, min( 5, (int) ( $a['rating'] ?? 0 ) ) ) ) ) . '</td><td>' . esc_html( (string) ( $a['comment'] ?? '' ) ) . '</td><td>' . esc_html( (string) ( $a['answer'] ?? '' ) ) . '</td><td>' . esc_html( $when ? Format::date( $when, $locale, true ) : '' ) . '</td></tr>';
		}
		echo '</tbody></table>';
	}

	/**
	 * The delivery log with Replay for dead deliveries.
	 *
	 * @param ApiClient $client Client.
	 * @param string    $user   Admin user id.
	 */
	private static function render_events( ApiClient $client, string $user ): void {
		$state = isset( $_GET['state'] ) ? sanitize_key( wp_unslash( $_GET['state'] ) ) : 'dead'; // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- a read-only filter.
		$state = in_array( $state, self::STATES, true ) ? $state : 'dead';
		echo '<h2 id="vafa-events">' . esc_html__( 'Notifications', 'vafa' ) . '</h2>';
		$receiver = \Vafa\Bonuses\ReceiverSecret::state();
		if ( '' !== $receiver['error'] ) {
			/* translators: %s: error message */
			echo '<div class="notice notice-warning inline"><p>' . esc_html( sprintf( __( 'The service could not be given this site\'s address for notifications: %s. It is tried again with the next sync.', 'vafa' ), $receiver['error'] ) ) . '</p></div>';
		}
		$names = array(
			'dead'      => __( 'Failed', 'vafa' ),
			'pending'   => __( 'Waiting', 'vafa' ),
			'delivered' => __( 'Delivered', 'vafa' ),
		);
		$tabs  = array();
		foreach ( $names as $s => $label ) {
			$url    = add_query_arg( 'state', $s, admin_url( 'admin.php?page=' . self::SLUG ) ) . '#vafa-events';
			$tabs[] = $s === $state ? '<strong>' . esc_html( $label ) . '</strong>' : '<a href="' . esc_url( $url ) . '">' . esc_html( $label ) . '</a>';
		}
		echo '<p class="vafa-event-states">' . implode( ' | ', $tabs ) . '</p>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped above.
		try {
			$list = $client->as_user( 'GET', '/v1/admin/events?state=' . rawurlencode( $state ) . '&limit=50', $user, 'admin', null, array(), 3.0 );
		} catch ( ApiException $e ) {
			echo '<p>' . esc_html( $e->getMessage() ) . '</p>';
			return;
		}
		$rows = (array) ( $list['items'] ?? $list['deliveries'] ?? $list['events'] ?? array() );
		if ( ! $rows ) {
			echo '<p>' . esc_html__( 'Nothing here.', 'vafa' ) . '</p>';
			return;
		}
		if ( 'dead' === $state ) {
			self::form( 'events_replay_dead', __( 'Replay every failed delivery', 'vafa' ) );
		}
		echo '<table class="widefat striped vafa-events"><thead><tr><th>' . esc_html__( 'Event', 'vafa' ) . '</th><th>' . esc_html__( 'Receiver', 'vafa' ) . '</th><th>' . esc_html__( 'Attempts', 'vafa' ) . '</th><th>' . esc_html__( 'Last answer', 'vafa' ) . '</th><th>' . esc_html__( 'Next attempt', 'vafa' ) . '</th><th></th></tr></thead><tbody>';
		$locale = determine_locale();
		foreach ( $rows as $r ) {
			$id    = (int) ( $r['id'] ?? $r['delivery_id'] ?? 0 );
			$type  = (string) ( $r['type'] ?? $r['event_type'] ?? '' );
			$error = (string) ( $r['last_error'] ?? '' );
			$code  = (int) ( $r['last_status'] ?? 0 );
			$next  = Format::unix( (string) ( $r['next_attempt_at'] ?? $r['next_attempt'] ?? '' ) );
			echo '<tr data-delivery="' . esc_attr( (string) $id ) . '"><td><code>' . esc_html( $type ) . '</code> #' . esc_html( (string) ( $r['event_id'] ?? '' ) ) . '</td><td>' . esc_html( (string) ( $r['url'] ?? $r['endpoint_url'] ?? '' ) ) . '</td><td>' . esc_html( (string) (int) ( $r['attempts'] ?? 0 ) ) . '</td><td>' . esc_html( trim( ( $code ? $code . ' ' : '' ) . $error ) ) . '</td><td>' . esc_html( $next && 'pending' === $state ? Format::date( $next, $locale, true ) : '' ) . '</td><td>';
			if ( 'dead' === $state && $id > 0 ) {
				self::form( 'event_replay', __( 'Replay', 'vafa' ), '<input type="hidden" name="vafa_delivery" value="' . esc_attr( (string) $id ) . '">', 'button button-small' );
			}
			echo '</td></tr>';
		}
		echo '</tbody></table>';
	}

	/**
	 * Surprise campaigns: the form with Preview and Start, and the list.
	 *
	 * @param ApiClient                      $client  Client.
	 * @param string                         $user    Admin user id.
	 * @param array<int,array<string,mixed>> $rewards The catalog.
	 */
	private static function render_campaigns( ApiClient $client, string $user, array $rewards ): void {
		echo '<h2 id="vafa-campaigns">' . esc_html__( 'Surprise campaigns', 'vafa' ) . '</h2>';
		try {
			$list = $client->as_user( 'GET', '/v1/admin/campaigns', $user, 'admin', null, array(), 3.0 );
			$rows = (array) ( $list['items'] ?? $list['campaigns'] ?? array() );
		} catch ( ApiException $e ) {
			echo '<p>' . esc_html( $e->getMessage() ) . '</p>';
			$rows = array();
		}
		if ( $rows ) {
			echo '<table class="widefat striped vafa-campaigns"><thead><tr><th>' . esc_html__( 'Key', 'vafa' ) . '</th><th>' . esc_html__( 'Name', 'vafa' ) . '</th><th>' . esc_html__( 'Gift', 'vafa' ) . '</th><th>' . esc_html__( 'State', 'vafa' ) . '</th><th>' . esc_html__( 'Progress', 'vafa' ) . '</th></tr></thead><tbody>';
			foreach ( $rows as $c ) {
				/* translators: %d: points */
				$gift = ! empty( $c['points'] ) ? sprintf( __( '%d points', 'vafa' ), (int) $c['points'] ) : __( 'A reward', 'vafa' );
				/* translators: 1: customers granted, 2: customers chosen */
				echo '<tr><td><code>' . esc_html( (string) ( $c['key'] ?? '' ) ) . '</code></td><td>' . esc_html( (string) ( $c['name'] ?? '' ) ) . '</td><td>' . esc_html( $gift ) . '</td><td>' . esc_html( (string) ( $c['state'] ?? '' ) ) . '</td><td>' . esc_html( sprintf( __( '%1$d of %2$d', 'vafa' ), (int) ( $c['granted'] ?? 0 ), (int) ( $c['total'] ?? 0 ) ) ) . '</td></tr>';
			}
			echo '</tbody></table>';
		}
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- refills the form after a preview.
		$v = static function ( string $field ): string {
			return isset( $_GET[ $field ] ) ? sanitize_text_field( rawurldecode( wp_unslash( $_GET[ $field ] ) ) ) : '';
		};
		// phpcs:enable
		$month_options = '<option value="0">' . esc_html__( 'Any', 'vafa' ) . '</option>';
		for ( $m = 1; $m <= 12; $m++ ) {
			$month_options .= '<option value="' . $m . '"' . selected( (int) $v( 'vafa_filter_month' ), $m, false ) . '>' . esc_html( \Vafa\Bonuses\Birthday::month_name( $m, determine_locale() ) ) . '</option>';
		}
		$fields = '<table class="form-table"><tbody>'
			. '<tr><th><label for="vafa_campaign_key">' . esc_html__( 'Key (starting the same key twice grants nothing more)', 'vafa' ) . '</label></th><td><input id="vafa_campaign_key" name="vafa_campaign_key" pattern="[a-z0-9-]+" placeholder="spring-2026" value="' . esc_attr( $v( 'vafa_campaign_key' ) ) . '"></td></tr>'
			. '<tr><th><label for="vafa_campaign_name">' . esc_html__( 'Name', 'vafa' ) . '</label></th><td><input id="vafa_campaign_name" name="vafa_campaign_name" class="regular-text" value="' . esc_attr( $v( 'vafa_campaign_name' ) ) . '"></td></tr>'
			. '<tr><th><label for="vafa_campaign_message">' . esc_html__( 'Message to the customers', 'vafa' ) . '</label></th><td><textarea id="vafa_campaign_message" name="vafa_campaign_message" class="large-text" rows="2">' . esc_textarea( $v( 'vafa_campaign_message' ) ) . '</textarea></td></tr>'
			. '<tr><th><label for="vafa_campaign_points">' . esc_html__( 'Points to give', 'vafa' ) . '</label></th><td><input type="number" min="0" id="vafa_campaign_points" name="vafa_campaign_points" value="' . esc_attr( $v( 'vafa_campaign_points' ) ) . '"> ' . esc_html__( 'or a reward', 'vafa' ) . ' ' . self::reward_select( 'vafa_campaign_reward', $rewards, (int) $v( 'vafa_campaign_reward' ) ) . '</td></tr>'
			. '<tr><th><label for="vafa_filter_tier">' . esc_html__( 'Only customers in the tier with id (0 = any)', 'vafa' ) . '</label></th><td><input type="number" min="0" id="vafa_filter_tier" name="vafa_filter_tier" value="' . esc_attr( $v( 'vafa_filter_tier' ) ) . '"></td></tr>'
			. '<tr><th><label for="vafa_filter_before">' . esc_html__( 'Only customers whose last order is before', 'vafa' ) . '</label></th><td><input type="date" id="vafa_filter_before" name="vafa_filter_before" value="' . esc_attr( $v( 'vafa_filter_before' ) ) . '"></td></tr>'
			. '<tr><th><label for="vafa_filter_spend">' . esc_html__( 'Only customers who spent more than', 'vafa' ) . '</label></th><td><input type="text" inputmode="decimal" id="vafa_filter_spend" name="vafa_filter_spend" value="' . esc_attr( $v( 'vafa_filter_spend' ) ) . '"></td></tr>'
			. '<tr><th><label for="vafa_filter_month">' . esc_html__( 'Only customers born in', 'vafa' ) . '</label></th><td><select id="vafa_filter_month" name="vafa_filter_month">' . $month_options . '</select></td></tr>'
			. '</tbody></table>';
		$preview = ' <button type="submit" class="button" name="vafa_campaign_do" value="preview">' . esc_html__( 'Preview count', 'vafa' ) . '</button>';
		self::form( 'campaign', __( 'Start the campaign', 'vafa' ), $fields, 'button button-primary', $preview );
	}
}
