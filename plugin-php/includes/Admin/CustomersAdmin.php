<?php
/**
 * WooCommerce > Vafa customers: one customer's points, tier, segment,
 * birthday and referrals, with a manual adjustment.
 *
 * @package Vafa
 */

namespace Vafa\Admin;

use Vafa\ApiClient;
use Vafa\ApiException;
use Vafa\Bonuses\Birthday;
use Vafa\Format;
use Vafa\Program;
use Vafa\Reports\Figures;
use Vafa\Storefront\View;
use Vafa\Tiers\Status;

defined( 'ABSPATH' ) || exit;

/**
 * Finds a customer by e-mail (the WordPress user with that address) or by
 * WooCommerce customer id (the user id) and shows what the service holds:
 * balances and the ledger a page at a time (GET /v1/admin/customers/{id}),
 * the tier (GET /v1/me/tier with a token minted for the customer: the
 * service has no admin route for it), the RFM segment and churn state when
 * finding them is cheap, the birthday with a correction form, the customer's
 * referrals, and a manual adjustment with a reason. The search is a plain
 * GET form; changes post to admin-post.php with the capability and a nonce
 * per operation; every call carries the admin's own token.
 */
final class CustomersAdmin {
	const SLUG   = 'vafa-customers';
	const ACTION = 'vafa_customers';
	const OPS    = array( 'adjust', 'birthday' );
	const LEDGER = 20;
	/**
	 * A segment is looked up only while the service lists each segment in
	 * one page (its largest page): beyond that it would mean a scan.
	 */
	const SCAN_LIMIT = 100;

	/**
	 * Hooks the menu entry (after the dashboard) and the form handler.
	 */
	public static function register(): void {
		add_action( 'admin_menu', array( self::class, 'menu' ), 20 );
		add_action( 'admin_post_' . self::ACTION, array( self::class, 'handle' ) );
	}

	/**
	 * Adds the page under WooCommerce.
	 */
	public static function menu(): void {
		add_submenu_page( 'woocommerce', __( 'Vafa customers', 'vafa' ), __( 'Vafa customers', 'vafa' ), 'manage_woocommerce', self::SLUG, array( self::class, 'render' ) );
	}

	/**
	 * The screen of one customer.
	 *
	 * @param int                  $id    WooCommerce customer id.
	 * @param array<string,string> $extra More query arguments.
	 */
	public static function url( int $id, array $extra = array() ): string {
		return add_query_arg(
			array_merge(
				array(
					'page'          => self::SLUG,
					'vafa_customer' => (string) $id,
				),
				$extra
			),
			admin_url( 'admin.php' )
		);
	}

	/**
	 * Who a search names: an id (the WooCommerce customer id is the user id)
	 * or an e-mail address (the account that uses it). A guest has no id at
	 * the service's admin routes, so an e-mail without an account finds no one.
	 *
	 * @param string $query What the admin typed.
	 * @return array{id:int,user:\WP_User|null,kind:string} kind: 'id', 'email', 'guest' (an e-mail without an account) or 'invalid'.
	 */
	public static function find( string $query ): array {
		$query = trim( $query );
		if ( 1 === preg_match( '/^#?([1-9][0-9]{0,18})$/', $query, $m ) ) {
			$user = get_userdata( (int) $m[1] );
			return array(
				'id'   => (int) $m[1],
				'user' => $user instanceof \WP_User ? $user : null,
				'kind' => 'id',
			);
		}
		if ( is_email( $query ) ) {
			$user = get_user_by( 'email', $query );
			if ( $user instanceof \WP_User ) {
				return array(
					'id'   => (int) $user->ID,
					'user' => $user,
					'kind' => 'email',
				);
			}
			return array(
				'id'   => 0,
				'user' => null,
				'kind' => 'guest',
			);
		}
		return array(
			'id'   => 0,
			'user' => null,
			'kind' => 'invalid',
		);
	}

	/**
	 * Handles the adjustment and the birthday correction.
	 */
	public static function handle(): void {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			wp_die( esc_html__( 'You are not allowed to manage Vafa.', 'vafa' ), '', array( 'response' => 403 ) );
		}
		$op = isset( $_POST['vafa_op'] ) ? sanitize_key( wp_unslash( $_POST['vafa_op'] ) ) : '';
		check_admin_referer( 'vafa_customers_' . $op );
		$id     = absint( wp_unslash( $_POST['vafa_customer_id'] ?? 0 ) );
		$locale = get_user_locale();
		$notice = array( 'success', '' );
		$anchor = '';
		try {
			// Only accounts are changed: a mistyped id must not create a
			// customer at the service (an adjustment would).
			if ( ! in_array( $op, self::OPS, true ) || $id <= 0 || ! get_userdata( $id ) ) {
				throw new ApiException( __( 'Unknown customer or action.', 'vafa' ), 'invalid' );
			}
			$client = ApiClient::connected();
			if ( ! $client ) {
				throw new ApiException( __( 'Connect the store first.', 'vafa' ), 'invalid' );
			}
			$admin = (string) get_current_user_id();
			if ( 'adjust' === $op ) {
				$anchor = '#vafa-adjust';
				$points = trim( sanitize_text_field( wp_unslash( $_POST['vafa_points'] ?? '' ) ) );
				// Persian or Arabic digits typed by the admin count as digits.
				$points = str_replace( array_merge( Format::PERSIAN_DIGITS, Format::ARABIC_DIGITS, array( '−' ) ), array_merge( range( 0, 9 ), range( 0, 9 ), array( '-' ) ), $points );
				if ( 1 !== preg_match( '/^[+-]?[0-9]{1,13}$/', $points ) ) {
					throw new ApiException( __( 'Enter whole points, such as 50 or -20.', 'vafa' ), 'invalid' );
				}
				$key    = sanitize_key( wp_unslash( $_POST['vafa_key'] ?? '' ) );
				$answer = $client->as_user(
					'POST',
					'/v1/admin/customers/' . $id . '/adjustments',
					$admin,
					'admin',
					array(
						'points' => (int) $points,
						'reason' => sanitize_text_field( wp_unslash( $_POST['vafa_reason'] ?? '' ) ),
					),
					// The form's own key: sending it twice (a double click, a
					// reload) posts once.
					array( 'Idempotency-Key' => 'wp-admin-' . ( '' !== $key ? $key : wp_generate_uuid4() ) ),
					10.0
				);
				ApiClient::forget_cached( $id, \Vafa\Storefront\View::SUMMARY );
				$notice[1] = sprintf(
					/* translators: 1: points added or taken (signed), 2: available points now */
					__( 'Adjusted by %1$s points. Available now: %2$s.', 'vafa' ),
					Format::points( (int) $points, $locale ),
					Format::points( (int) ( $answer['balance']['available'] ?? 0 ), $locale )
				);
			} else {
				$anchor = '#vafa-birthday';
				$month  = absint( wp_unslash( $_POST['vafa_birthday_month'] ?? 0 ) );
				$day    = absint( wp_unslash( $_POST['vafa_birthday_day'] ?? 0 ) );
				$answer = $client->as_user(
					'PUT',
					'/v1/admin/customers/' . $id . '/birthday',
					$admin,
					'admin',
					array(
						'month' => $month,
						'day'   => $day,
					),
					array(),
					10.0
				);
				$b = (array) ( $answer['birthday'] ?? array() );
				if ( Birthday::valid( (int) ( $b['month'] ?? 0 ), (int) ( $b['day'] ?? 0 ) ) ) {
					// What the checkout reads to know the birthday is saved.
					update_user_meta(
						$id,
						Birthday::META,
						array(
							'month' => (int) $b['month'],
							'day'   => (int) $b['day'],
						)
					);
				}
				/* translators: %s: a birthday such as 29 February */
				$notice[1] = sprintf( __( 'Birthday saved: %s.', 'vafa' ), Birthday::label( (int) ( $b['month'] ?? $month ), (int) ( $b['day'] ?? $day ), $locale ) );
			}
		} catch ( ApiException $e ) {
			$notice = array( 'error', ServiceErrors::message( $e, $locale ) );
		}
		set_transient( self::notice_key(), $notice, 60 );
		wp_safe_redirect( ( $id > 0 ? self::url( $id ) : admin_url( 'admin.php?page=' . self::SLUG ) ) . $anchor );
		exit;
	}

	/**
	 * Where the result of a form waits for the next page view.
	 */
	private static function notice_key(): string {
		return 'vafa_customers_notice_' . get_current_user_id();
	}

	/**
	 * Prints the page.
	 */
	public static function render(): void {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			return;
		}
		$locale = get_user_locale();
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- a read-only search.
		$query = isset( $_GET['vafa_customer'] ) ? sanitize_text_field( wp_unslash( $_GET['vafa_customer'] ) ) : '';
		echo '<div class="wrap vafa-customers"><h1>' . esc_html__( 'Vafa customers', 'vafa' ) . '</h1>';
		$notice = get_transient( self::notice_key() );
		if ( is_array( $notice ) && '' !== (string) ( $notice[1] ?? '' ) ) {
			delete_transient( self::notice_key() );
			echo '<div class="notice notice-' . esc_attr( 'error' === $notice[0] ? 'error' : 'success' ) . ' vafa-notice"><p>' . esc_html( (string) $notice[1] ) . '</p></div>';
		}
		$client = ApiClient::connected();
		if ( ! $client ) {
			echo '<p>' . esc_html__( 'Connect the store first.', 'vafa' ) . ' <a href="' . esc_url( admin_url( 'admin.php?page=' . SettingsPage::SLUG ) ) . '">' . esc_html__( 'Vafa Loyalty', 'vafa' ) . '</a></p></div>';
			return;
		}
		echo '<form method="get" action="' . esc_url( admin_url( 'admin.php' ) ) . '" class="vafa-customer-search" role="search"><input type="hidden" name="page" value="' . esc_attr( self::SLUG ) . '">';
		echo '<label for="vafa_customer">' . esc_html__( 'E-mail or customer id', 'vafa' ) . '</label> <input type="search" id="vafa_customer" name="vafa_customer" class="regular-text" dir="ltr" value="' . esc_attr( $query ) . '"> <button type="submit" class="button">' . esc_html__( 'Find', 'vafa' ) . '</button></form>';
		echo '<p class="description">' . esc_html__( 'A customer with an account is found by e-mail or by WooCommerce customer id (the user id). Orders placed as a guest are kept at the rewards service under the billing e-mail and have no customer id there, so they cannot be opened here; they join the account when the customer registers and claims them.', 'vafa' ) . '</p>';
		if ( '' !== $query ) {
			$found = self::find( $query );
			if ( 'guest' === $found['kind'] ) {
				echo '<div class="notice notice-info inline vafa-not-found" data-kind="guest"><p>' . esc_html__( 'No account uses this e-mail. If it placed orders as a guest, the rewards service keeps them under the e-mail, without a customer id this screen can open.', 'vafa' ) . '</p></div>';
			} elseif ( 'invalid' === $found['kind'] ) {
				echo '<div class="notice notice-warning inline vafa-not-found" data-kind="invalid"><p>' . esc_html__( 'Enter an e-mail address or a customer id (a number).', 'vafa' ) . '</p></div>';
			} else {
				self::customer( $client, $found['id'], $found['user'], $locale );
			}
		}
		echo '</div>';
	}

	/**
	 * One customer's screen.
	 *
	 * @param ApiClient     $client Client.
	 * @param int           $id     WooCommerce customer id.
	 * @param \WP_User|null $user   The account, when there is one.
	 * @param string        $locale Locale.
	 */
	private static function customer( ApiClient $client, int $id, ?\WP_User $user, string $locale ): void {
		$admin = (string) get_current_user_id();
		$cid   = (string) $id;
		echo '<div class="vafa-customer" data-customer="' . esc_attr( $cid ) . '">';
		$title = $user ? $user->display_name . ' <' . $user->user_email . '>' : '';
		/* translators: %s: a customer id */
		echo '<h2>' . esc_html( sprintf( __( 'Customer #%s', 'vafa' ), Format::digits( $cid, $locale ) ) ) . ( '' !== $title ? ' <span class="vafa-customer-name"><bdi>' . esc_html( $title ) . '</bdi></span>' : '' ) . '</h2>';
		if ( $user ) {
			echo '<p><a href="' . esc_url( get_edit_user_link( $id ) ) . '">' . esc_html__( 'Edit the account', 'vafa' ) . '</a></p>';
		} else {
			echo '<div class="notice notice-warning inline"><p>' . esc_html__( 'No WordPress account has this id. What the rewards service holds for it is shown; changes are made only to accounts.', 'vafa' ) . '</p></div>';
		}
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- read-only paging.
		$cursor = isset( $_GET['vafa_cursor'] ) ? sanitize_text_field( wp_unslash( $_GET['vafa_cursor'] ) ) : '';
		$cursor = View::valid_cursor( $cursor ) ? $cursor : '';
		$known  = true;
		try {
			$detail = $client->as_user( 'GET', '/v1/admin/customers/' . $id . '?limit=' . self::LEDGER . ( '' !== $cursor ? '&cursor=' . $cursor : '' ), $admin, 'admin', null, array(), 5.0 );
		} catch ( ApiException $e ) {
			if ( ApiClient::means_down( $e ) ) {
				echo '<div class="notice notice-error inline vafa-down"><p>' . esc_html__( 'The rewards service could not be reached. Try again in a moment.', 'vafa' ) . '</p><p class="description">' . esc_html( $e->getMessage() ) . '</p></div></div>';
				return;
			}
			if ( 404 !== $e->status ) {
				echo '<div class="notice notice-error inline"><p>' . esc_html( ServiceErrors::message( $e, $locale ) ) . '</p></div></div>';
				return;
			}
			$known  = false;
			$detail = array();
			echo '<div class="notice notice-info inline vafa-unknown"><p>' . esc_html__( 'The rewards service has no points activity for this customer yet.', 'vafa' ) . '</p></div>';
		}
		if ( $known ) {
			self::balances( $detail, $locale );
		}
		if ( $user ) {
			self::tier( $client, $cid, $locale );
			if ( $known ) {
				self::segment( $client, $admin, $cid, $locale );
			}
			self::birthday( $client, $cid, $locale );
		}
		self::referrals( $client, $admin, $cid, $locale );
		if ( $user ) {
			self::adjust_form( $cid );
		}
		if ( $known ) {
			self::ledger( $detail, $id, $cursor, $locale );
		}
		echo '</div>';
	}

	/**
	 * Available, pending and lifetime points.
	 *
	 * @param array<string,mixed> $detail The service's answer.
	 * @param string              $locale Locale.
	 */
	private static function balances( array $detail, string $locale ): void {
		$figures = array(
			'available' => __( 'Available points', 'vafa' ),
			'pending'   => __( 'Pending points', 'vafa' ),
			'lifetime'  => __( 'Points earned in all', 'vafa' ),
		);
		echo '<table class="widefat striped vafa-balances"><tbody>';
		foreach ( $figures as $key => $label ) {
			$n = (int) ( $detail[ $key ] ?? 0 );
			echo '<tr data-figure="' . esc_attr( $key ) . '" data-value="' . esc_attr( (string) $n ) . '"><th scope="row">' . esc_html( $label ) . '</th><td><bdi>' . esc_html( Format::points( $n, $locale ) ) . '</bdi></td></tr>';
		}
		echo '</tbody></table>';
	}

	/**
	 * The tier, as the service tells the customer (GET /v1/me/tier).
	 *
	 * @param ApiClient $client Client.
	 * @param string    $cid    Customer id.
	 * @param string    $locale Locale.
	 */
	private static function tier( ApiClient $client, string $cid, string $locale ): void {
		echo '<h3 id="vafa-tier">' . esc_html__( 'Tier', 'vafa' ) . '</h3>';
		try {
			$t = $client->as_user( 'GET', '/v1/me/tier?locale=' . rawurlencode( $locale ), $cid, 'shopper', null, array(), 5.0 );
		} catch ( ApiException $e ) {
			echo '<p>' . esc_html( $e->getMessage() ) . '</p>';
			return;
		}
		$tier = is_array( $t['tier'] ?? null ) ? $t['tier'] : null;
		$next = is_array( $t['next_tier'] ?? null ) ? $t['next_tier'] : null;
		if ( ! $tier && ! $next ) {
			echo '<p class="vafa-tier" data-tier="">' . esc_html__( 'The store has no tiers.', 'vafa' ) . '</p>';
			return;
		}
		echo '<ul class="vafa-tier" data-tier="' . esc_attr( $tier ? (string) $tier['id'] : '' ) . '">';
		if ( $tier ) {
			$since = Format::unix( (string) ( $tier['since'] ?? '' ) );
			/* translators: 1: tier name, 2: a date */
			echo '<li>' . esc_html( sprintf( __( '%1$s since %2$s', 'vafa' ), Status::name( (array) ( $tier['names'] ?? array() ), $locale ) ?: (string) $tier['name'], $since ? Format::date( $since, $locale ) : '' ) ) . '</li>';
			/* translators: %s: an earn multiplier such as 1.25 */
			echo '<li>' . esc_html( sprintf( __( 'Earns %s times the points', 'vafa' ), Format::decimal( (string) ( $tier['multiplier'] ?? '1' ), $locale ) ) ) . '</li>';
			$down = Format::unix( (string) ( $tier['downgrade_at'] ?? '' ) );
			if ( $down ) {
				/* translators: %s: a date */
				echo '<li>' . esc_html( sprintf( __( 'Moves down on %s unless the figures recover', 'vafa' ), Format::date( $down, $locale ) ) ) . '</li>';
			}
		} else {
			echo '<li>' . esc_html__( 'No tier yet', 'vafa' ) . '</li>';
		}
		if ( $next ) {
			$program = Program::get() ?? array();
			$missing = (int) ( $next['missing'] ?? 0 );
			$amount  = 'spend' === ( $next['threshold_kind'] ?? '' )
				? Format::money( $missing, (int) ( $program['currency_exponent'] ?? 2 ), (string) ( $program['currency'] ?? 'USD' ), $locale )
				/* translators: %s: number of points */
				: sprintf( __( '%s points', 'vafa' ), Format::points( $missing, $locale ) );
			/* translators: 1: what is still missing (money or points), 2: the next tier's name */
			echo '<li>' . esc_html( sprintf( __( '%1$s more to reach %2$s', 'vafa' ), $amount, Status::name( (array) ( $next['names'] ?? array() ), $locale ) ?: (string) $next['name'] ) ) . '</li>';
		}
		echo '</ul>';
	}

	/**
	 * The customer's RFM segment and churn state. The service reports them
	 * per segment, not per customer, a page of at most 100 at a time; they
	 * are looked up only when every list fits in one page, else the screen
	 * says where to find them.
	 *
	 * @param ApiClient $client Client.
	 * @param string    $admin  Admin user id.
	 * @param string    $cid    Customer id.
	 * @param string    $locale Locale.
	 */
	private static function segment( ApiClient $client, string $admin, string $cid, string $locale ): void {
		echo '<h3 id="vafa-segment">' . esc_html__( 'Segment', 'vafa' ) . '</h3>';
		try {
			$found = self::find_segment( $client, $admin, $cid );
		} catch ( ApiException $e ) {
			echo '<p>' . esc_html( $e->getMessage() ) . '</p>';
			return;
		}
		if ( null === $found ) {
			echo '<p class="vafa-segment" data-segment="?">' . esc_html__( 'Not shown: this store has more than 100 customers in a segment, and the rewards service lists segments, not one customer\'s. Open the lists on the Segments screen.', 'vafa' ) . ' <a href="' . esc_url( admin_url( 'admin.php?page=' . SegmentsAdmin::SLUG ) ) . '">' . esc_html__( 'Vafa segments', 'vafa' ) . '</a></p>';
			return;
		}
		if ( '' === $found['segment'] ) {
			echo '<p class="vafa-segment" data-segment="" data-churn="">' . esc_html__( 'In no segment: no paid order yet.', 'vafa' ) . '</p>';
			return;
		}
		$names  = DashboardAdmin::segment_names();
		$states = SegmentsAdmin::state_names();
		echo '<p class="vafa-segment" data-segment="' . esc_attr( $found['segment'] ) . '" data-churn="' . esc_attr( $found['churn'] ) . '">';
		/* translators: 1: an RFM segment such as Champions, 2: a churn state such as At risk */
		echo esc_html( sprintf( __( 'RFM segment: %1$s. Churn: %2$s.', 'vafa' ), $names[ $found['segment'] ] ?? $found['segment'], $states[ $found['churn'] ] ?? $found['churn'] ) );
		echo ' <a href="' . esc_url( SegmentsAdmin::url( 'rfm', $found['segment'] ) ) . '">' . esc_html__( 'See the segment', 'vafa' ) . '</a></p>';
	}

	/**
	 * Finds the customer in the RFM and churn lists when each fits in one
	 * page; null when one does not.
	 *
	 * @param ApiClient $client Client.
	 * @param string    $admin  Admin user id.
	 * @param string    $cid    Customer id.
	 * @return array{segment:string,churn:string}|null
	 * @throws ApiException When the service fails.
	 */
	public static function find_segment( ApiClient $client, string $admin, string $cid ): ?array {
		$limit = self::SCAN_LIMIT;
		$rfm   = $client->as_user( 'GET', '/v1/admin/reports/rfm?limit=' . $limit, $admin, 'admin', null, array(), 5.0 );
		$churn = $client->as_user( 'GET', '/v1/admin/reports/churn?state=at_risk&limit=' . $limit, $admin, 'admin', null, array(), 5.0 );
		$rc    = array_map( 'intval', (array) ( $rfm['counts'] ?? array() ) );
		$cc    = array_map( 'intval', (array) ( $churn['counts'] ?? array() ) );
		if ( ( $rc && max( $rc ) > $limit ) || (int) ( $cc['at_risk'] ?? 0 ) > $limit || (int) ( $cc['lapsed'] ?? 0 ) > $limit ) {
			return null;
		}
		$in = static function ( array $answer ) use ( $cid ): bool {
			foreach ( (array) ( $answer['items'] ?? array() ) as $item ) {
				if ( isset( $item['customer_id'] ) && (string) $item['customer_id'] === $cid ) {
					return true;
				}
			}
			return false;
		};
		$segment = '';
		foreach ( Figures::SEGMENTS as $s ) {
			if ( 0 === (int) ( $rc[ $s ] ?? 0 ) ) {
				continue;
			}
			$list = 'champions' === $s ? $rfm : $client->as_user( 'GET', '/v1/admin/reports/rfm?segment=' . $s . '&limit=' . $limit, $admin, 'admin', null, array(), 5.0 );
			if ( $in( $list ) ) {
				$segment = $s;
				break;
			}
		}
		if ( '' === $segment ) {
			return array(
				'segment' => '',
				'churn'   => '',
			);
		}
		$state = 'active';
		if ( $in( $churn ) ) {
			$state = 'at_risk';
		} elseif ( (int) ( $cc['lapsed'] ?? 0 ) > 0 && $in( $client->as_user( 'GET', '/v1/admin/reports/churn?state=lapsed&limit=' . $limit, $admin, 'admin', null, array(), 5.0 ) ) ) {
			$state = 'lapsed';
		}
		return array(
			'segment' => $segment,
			'churn'   => $state,
		);
	}

	/**
	 * The birthday (GET /v1/me/profile as the customer) and its correction.
	 *
	 * @param ApiClient $client Client.
	 * @param string    $cid    Customer id.
	 * @param string    $locale Locale.
	 */
	private static function birthday( ApiClient $client, string $cid, string $locale ): void {
		echo '<h3 id="vafa-birthday">' . esc_html__( 'Birthday', 'vafa' ) . '</h3>';
		try {
			$profile = $client->as_user( 'GET', '/v1/me/profile', $cid, 'shopper', null, array(), 5.0 );
		} catch ( ApiException $e ) {
			echo '<p>' . esc_html( $e->getMessage() ) . '</p>';
			return;
		}
		$b     = is_array( $profile['birthday'] ?? null ) ? $profile['birthday'] : null;
		$month = $b ? (int) ( $b['month'] ?? 0 ) : 0;
		$day   = $b ? (int) ( $b['day'] ?? 0 ) : 0;
		if ( Birthday::valid( $month, $day ) ) {
			echo '<p class="vafa-birthday" data-month="' . esc_attr( (string) $month ) . '" data-day="' . esc_attr( (string) $day ) . '">' . esc_html( Birthday::label( $month, $day, $locale ) ) . '</p>';
		} else {
			echo '<p class="vafa-birthday" data-month="" data-day="">' . esc_html__( 'Not given yet.', 'vafa' ) . '</p>';
		}
		$months = '';
		for ( $m = 1; $m <= 12; $m++ ) {
			$months .= '<option value="' . esc_attr( (string) $m ) . '"' . selected( $month, $m, false ) . '>' . esc_html( Birthday::month_name( $m, $locale ) ) . '</option>';
		}
		$days = '';
		for ( $d = 1; $d <= 31; $d++ ) {
			$days .= '<option value="' . esc_attr( (string) $d ) . '"' . selected( $day, $d, false ) . '>' . esc_html( Format::digits( (string) $d, $locale ) ) . '</option>';
		}
		$fields = '<label>' . esc_html__( 'Month', 'vafa' ) . ' <select name="vafa_birthday_month">' . $months . '</select></label> <label>' . esc_html__( 'Day', 'vafa' ) . ' <select name="vafa_birthday_day">' . $days . '</select></label>';
		self::form( 'birthday', $cid, __( 'Correct the birthday', 'vafa' ), $fields );
	}

	/**
	 * The customer's referrals (GET /v1/admin/referrals?referrer=).
	 *
	 * @param ApiClient $client Client.
	 * @param string    $admin  Admin user id.
	 * @param string    $cid    Customer id.
	 * @param string    $locale Locale.
	 */
	private static function referrals( ApiClient $client, string $admin, string $cid, string $locale ): void {
		echo '<h3 id="vafa-referrals">' . esc_html__( 'Friends referred', 'vafa' ) . '</h3>';
		try {
			$list = $client->as_user( 'GET', '/v1/admin/referrals?limit=50&referrer=' . $cid, $admin, 'admin', null, array(), 5.0 );
		} catch ( ApiException $e ) {
			echo '<p>' . esc_html( $e->getMessage() ) . '</p>';
			return;
		}
		$rows = (array) ( $list['items'] ?? array() );
		if ( ! $rows ) {
			echo '<p class="vafa-referrals" data-count="0">' . esc_html__( 'None yet.', 'vafa' ) . '</p>';
			return;
		}
		$states  = array(
			'pending'  => __( 'Pending', 'vafa' ),
			'approved' => __( 'Approved', 'vafa' ),
			'rejected' => __( 'Rejected', 'vafa' ),
		);
		$reasons = ReferralsAdmin::reasons();
		echo '<table class="widefat striped vafa-referrals" data-count="' . esc_attr( (string) count( $rows ) ) . '"><thead><tr><th scope="col">' . esc_html__( 'Date', 'vafa' ) . '</th><th scope="col">' . esc_html__( 'Friend', 'vafa' ) . '</th><th scope="col">' . esc_html__( 'Order', 'vafa' ) . '</th><th scope="col">' . esc_html__( 'State', 'vafa' ) . '</th><th scope="col">' . esc_html__( 'Reason', 'vafa' ) . '</th></tr></thead><tbody>';
		foreach ( $rows as $r ) {
			$when   = Format::unix( (string) ( $r['created_at'] ?? '' ) );
			$friend = (string) ( $r['friend_id'] ?? '' );
			echo '<tr data-referral="' . esc_attr( (string) ( $r['id'] ?? '' ) ) . '" data-state="' . esc_attr( (string) ( $r['state'] ?? '' ) ) . '"><td>' . esc_html( $when ? Format::date( $when, $locale ) : '' ) . '</td><td>' . esc_html( (string) ( $r['friend_name'] ?? '' ) );
			if ( '' !== $friend ) {
				echo ' <a href="' . esc_url( self::url( (int) $friend ) ) . '">#' . esc_html( Format::digits( $friend, $locale ) ) . '</a>';
			}
			echo '</td><td>' . self::order_link( (string) ( $r['order_id'] ?? '' ), $locale ) . '</td><td>' . esc_html( $states[ $r['state'] ?? '' ] ?? (string) ( $r['state'] ?? '' ) ) . '</td><td>' . esc_html( $reasons[ $r['reason'] ?? '' ] ?? (string) ( $r['reason'] ?? '' ) ) . '</td></tr>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- order_link escapes.
		}
		echo '</tbody></table>';
	}

	/**
	 * The manual adjustment: signed points and a reason, under a key made
	 * when the form is shown.
	 *
	 * @param string $cid Customer id.
	 */
	private static function adjust_form( string $cid ): void {
		echo '<h3 id="vafa-adjust">' . esc_html__( 'Adjust points', 'vafa' ) . '</h3>';
		echo '<p class="description">' . esc_html__( 'Adds points to what the customer can spend, or takes them away with a minus sign (the balance may go below zero). The reason is kept with the change and shown to the customer in their activity.', 'vafa' ) . '</p>';
		$fields = '<p><label for="vafa_points">' . esc_html__( 'Points (for example 50 or -20)', 'vafa' ) . '</label><br><input type="text" inputmode="numeric" dir="ltr" id="vafa_points" name="vafa_points" required></p>'
			. '<p><label for="vafa_reason">' . esc_html__( 'Reason', 'vafa' ) . '</label><br><input type="text" class="large-text" maxlength="500" id="vafa_reason" name="vafa_reason" required></p>'
			. '<input type="hidden" name="vafa_key" value="' . esc_attr( wp_generate_uuid4() ) . '">';
		self::form( 'adjust', $cid, __( 'Adjust', 'vafa' ), $fields, 'button button-primary' );
	}

	/**
	 * The ledger, newest first, a page at a time.
	 *
	 * @param array<string,mixed> $detail The service's answer.
	 * @param int                 $id     Customer id.
	 * @param string              $cursor This page's cursor.
	 * @param string              $locale Locale.
	 */
	private static function ledger( array $detail, int $id, string $cursor, string $locale ): void {
		echo '<h3 id="vafa-ledger">' . esc_html__( 'Points activity', 'vafa' ) . '</h3>';
		$rows = (array) ( $detail['ledger'] ?? array() );
		if ( ! $rows ) {
			echo '<p>' . esc_html__( 'Nothing here.', 'vafa' ) . '</p>';
			return;
		}
		echo '<table class="widefat striped vafa-ledger"><thead><tr><th scope="col">' . esc_html__( 'Date', 'vafa' ) . '</th><th scope="col">' . esc_html__( 'Activity', 'vafa' ) . '</th><th scope="col">' . esc_html__( 'Order', 'vafa' ) . '</th><th scope="col">' . esc_html__( 'Available', 'vafa' ) . '</th><th scope="col">' . esc_html__( 'Pending', 'vafa' ) . '</th></tr></thead><tbody>';
		foreach ( $rows as $it ) {
			$it   = (array) $it;
			$when = Format::unix( (string) ( $it['created_at'] ?? '' ) );
			$kind = (string) ( $it['kind'] ?? '' );
			echo '<tr data-kind="' . esc_attr( $kind ) . '" data-created="' . esc_attr( (string) ( $it['created_at'] ?? '' ) ) . '" data-available="' . esc_attr( (string) (int) ( $it['available_delta'] ?? 0 ) ) . '">';
			echo '<td class="vafa-date">' . esc_html( $when ? Format::date( $when, $locale, true ) : '' ) . '</td>';
			echo '<td>' . esc_html( View::describe( $it ) ) . ( 'adjustment' === $kind ? ' <span class="description">(' . esc_html__( 'adjustment', 'vafa' ) . ')</span>' : '' ) . '</td>';
			echo '<td>' . self::order_link( (string) ( $it['order_id'] ?? '' ), $locale ) . '</td>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- order_link escapes.
			foreach ( array( 'available_delta', 'pending_delta' ) as $f ) {
				$n = (int) ( $it[ $f ] ?? 0 );
				echo '<td><bdi>' . esc_html( 0 === $n ? '' : ( $n > 0 ? '+' : '' ) . Format::points( $n, $locale ) ) . '</bdi></td>';
			}
			echo '</tr>';
		}
		echo '</tbody></table>';
		$next  = (string) ( $detail['next_cursor'] ?? '' );
		$links = array();
		if ( '' !== $cursor ) {
			$links[] = '<a class="button" href="' . esc_url( self::url( $id ) . '#vafa-ledger' ) . '">' . esc_html__( 'Newest', 'vafa' ) . '</a>';
		}
		if ( View::valid_cursor( $next ) ) {
			$links[] = '<a class="button vafa-older" href="' . esc_url( self::url( $id, array( 'vafa_cursor' => $next ) ) . '#vafa-ledger' ) . '">' . esc_html__( 'Older activity', 'vafa' ) . '</a>';
		}
		if ( $links ) {
			echo '<p class="vafa-ledger-pages">' . implode( ' ', $links ) . '</p>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped above.
		}
	}

	/**
	 * An order number linked to its edit screen when the order exists here.
	 *
	 * @param string $order_id Order id ('' for none).
	 * @param string $locale   Locale.
	 * @return string Escaped HTML.
	 */
	private static function order_link( string $order_id, string $locale ): string {
		if ( '' === $order_id ) {
			return '';
		}
		$text  = '#' . esc_html( Format::digits( $order_id, $locale ) );
		$order = function_exists( 'wc_get_order' ) ? wc_get_order( (int) $order_id ) : false;
		return $order ? '<a href="' . esc_url( $order->get_edit_order_url() ) . '">' . $text . '</a>' : $text;
	}

	/**
	 * Prints a form posting one operation for the customer.
	 *
	 * @param string $op     Operation.
	 * @param string $cid    Customer id.
	 * @param string $label  Button label.
	 * @param string $fields Fields (already escaped).
	 * @param string $class  Button class.
	 */
	private static function form( string $op, string $cid, string $label, string $fields, string $class = 'button' ): void {
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" class="vafa-form vafa-form-' . esc_attr( $op ) . '">';
		echo '<input type="hidden" name="action" value="' . esc_attr( self::ACTION ) . '"><input type="hidden" name="vafa_op" value="' . esc_attr( $op ) . '"><input type="hidden" name="vafa_customer_id" value="' . esc_attr( $cid ) . '">';
		wp_nonce_field( 'vafa_customers_' . $op );
		echo $fields . ' <button type="submit" class="' . esc_attr( $class ) . '">' . esc_html( $label ) . '</button></form>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built from escaped parts.
	}
}
